import { serve } from "@hono/node-server";
import { ConfigError, OriginEnv, parseEnv } from "../../contract/index.ts";
import { type Serve, startOrigin } from "../start.ts";

/** Node entry: read env, serve with @hono/node-server, stop cleanly on Ctrl-C / SIGTERM. */
const nodeServe: Serve = (fetch, hostname, port) =>
  new Promise((resolve) => {
    const server = serve({ fetch, hostname, port }, (info) =>
      resolve({ port: info.port, close: () => new Promise((done) => server.close(() => done())) }),
    );
  });

try {
  const origin = await startOrigin(parseEnv(OriginEnv, process.env), nodeServe);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await origin.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
