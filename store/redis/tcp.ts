import { Redis, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";
import { createClient } from "redis";

type Reply = unknown;
type Command = (string | number)[];

/**
 * A plain Redis server behind @upstash/redis: a `Requester` that speaks the Upstash
 * REST shapes over TCP with node-redis in RESP2, so one Redis store adapter serves Upstash REST and
 * self-hosted Redis alike. Single commands answer `{result}|{error}`; `pipeline` and `multi-exec`
 * answer a bare array of them, as the REST API does.
 */
export async function connectRedisRequester(url: string): Promise<
  Requester & {
    close(): Promise<void>;
    subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  }
> {
  const client = createClient({
    url,
    RESP: 2,
    socket: { connectTimeout: 5000, reconnectStrategy: (n) => Math.min(n * 100, 2000) },
  });
  client.on("error", () => {}); // surfaced per command; an unhandled 'error' event would kill the process
  await client.connect();
  const send = async (command: Command): Promise<UpstashResponse<Reply>> => {
    try {
      return { result: await client.sendCommand(command.map(String)) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const subscribers: ReturnType<typeof client.duplicate>[] = [];
  return {
    /** Pub/sub needs a connection of its own (a subscribed connection takes no other commands). */
    async subscribe(channel, listener) {
      const sub = client.duplicate();
      sub.on("error", () => {});
      await sub.connect();
      await sub.subscribe(channel, listener);
      subscribers.push(sub);
      return async () => {
        subscribers.splice(subscribers.indexOf(sub), 1);
        await sub.unsubscribe(channel).catch(() => {});
        if (sub.isOpen) sub.destroy();
      };
    },
    async request<T>(req: UpstashRequest): Promise<UpstashResponse<T>> {
      const path = req.path?.[0];
      if (path === "pipeline") {
        // node-redis pipelines commands issued in the same tick: one round trip.
        return (await Promise.all((req.body as Command[]).map(send))) as unknown as UpstashResponse<T>;
      }
      if (path === "multi-exec") {
        const multi = client.multi();
        for (const command of req.body as Command[]) multi.addCommand(command.map(String));
        const replies = (await multi.exec()) as Reply[];
        return replies.map((result) => ({ result })) as unknown as UpstashResponse<T>;
      }
      return (await send(req.body as Command)) as UpstashResponse<T>;
    },
    async close() {
      for (const sub of subscribers.splice(0)) if (sub.isOpen) sub.destroy();
      await client.close();
    },
  };
}

/**
 * @upstash/redis built on a custom requester takes no options, and its default JSON
 * auto-deserialization would turn stored bodies into objects. Documents must come back byte for
 * byte, so this subclass switches it off, as the REST constructor's option does.
 */
export class RawRedis extends Redis {
  constructor(requester: Requester) {
    super(requester);
    this.opts = { automaticDeserialization: false };
  }
}
