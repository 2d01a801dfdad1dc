import type { Redis } from "@upstash/redis";

type Pipe = ReturnType<Redis["pipeline"]>;
type Call = (script: string, keys: string[], args: string[]) => void;

/**
 * The store's Lua scripts, sent once and then called by their SHA-1 (EVALSHA). `EVAL` sends the whole
 * script with every call: the guard and list scripts are most of the bytes a change sends — about
 * 18 KB per change against the 3–6 KB of data it writes (bench/kv-cost.ts) — and over Upstash REST
 * every byte is a request body. A script the server no longer has (a restart, `SCRIPT FLUSH`) is
 * loaded again and the call, or the whole pipeline, made once more.
 */
export function luaScripts(redis: Redis) {
  const shas = new Map<string, string>();
  const load = async (script: string) => {
    const known = shas.get(script);
    if (known) return known;
    const sha = await redis.scriptLoad(script);
    shas.set(script, sha);
    return sha;
  };
  const noScript = (error: unknown) => /NOSCRIPT/i.test(String((error as Error)?.message ?? error));
  async function retried<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!noScript(error)) throw error;
      shas.clear();
      return run();
    }
  }

  return {
    /** One script call. */
    eval(script: string, keys: string[], args: string[]): Promise<unknown> {
      return retried(async () => redis.evalsha(await load(script), keys, args));
    },
    /** A pipeline of script calls: `build` adds them with `call`, in order; answers the replies. */
    pipeline(build: (call: Call) => void): Promise<unknown[]> {
      return retried(async () => {
        const calls: [string, string[], string[]][] = [];
        build((script, keys, args) => calls.push([script, keys, args]));
        const pipe: Pipe = redis.pipeline();
        for (const [script, keys, args] of calls) pipe.evalsha(await load(script), keys, args);
        return (await pipe.exec()) as unknown[];
      });
    },
  };
}
