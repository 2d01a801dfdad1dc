import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connectRedisRequester } from "../store/redis/tcp.ts";

/**
 * A small Upstash-compatible REST endpoint in front of a real Redis, so @upstash/redis's own HTTP
 * client is exercised end to end: `POST /` with a command array, `POST /pipeline` and
 * `POST /multi-exec` with arrays of them, bearer auth, and the `Upstash-Encoding: base64` reply
 * encoding the client asks for by default.
 */
export async function startUpstashRestServer(redisUrl: string, token: string) {
  const requester = await connectRedisRequester(redisUrl);
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", async () => {
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
      const path = (req.url ?? "/").split("?")[0]?.replace(/^\//, "") ?? "";
      const base64 = req.headers["upstash-encoding"] === "base64";
      try {
        const answer = await requester.request({ path: path ? [path] : [], body: JSON.parse(raw) });
        const encode = (r: { result?: unknown; error?: string }) =>
          base64 ? { ...r, result: encodeResult(r.result) } : r;
        if (Array.isArray(answer)) return reply(200, answer.map(encode));
        return reply(answer.error ? 400 : 200, encode(answer));
      } catch (error) {
        return reply(400, { error: (error as Error).message });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await requester.close();
    },
  };
}

/** Upstash base64-encodes every string reply (UTF-8 bytes), except a bare "OK". */
function encodeResult(value: unknown): unknown {
  if (typeof value === "string")
    return value === "OK" ? value : Buffer.from(value, "utf8").toString("base64");
  if (Array.isArray(value)) return value.map(encodeResult);
  return value;
}
