import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { authorization: string | undefined; body: { events: Record<string, unknown>[] } };

/** A free loopback port: listen on 0, note it, close. Used for a listener that starts later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A real HTTP listener standing in for the sync-worker's ingest: records every POST /events and
 * answers `status()` (202 by default), so a test can make it refuse, fail, be absent or hold its answer.
 */
export async function startReceiver(port = 0, status: () => number | Promise<number> = () => 202) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", async () => {
      const code = await status();
      if (code < 300 && req.url === "/events") {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(data) });
      }
      res.writeHead(code, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    events: () => received.flatMap((r) => r.body.events),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
