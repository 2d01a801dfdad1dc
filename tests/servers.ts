import postgres from "postgres";
import { createClient } from "redis";

/**
 * Whether this run is CI: any value CI providers set (`true`, `1`, `yes`, GitLab's `true`, …), not
 * only `"true"`; unset, empty, `0` and `false` are a developer's machine.
 */
export const inCI = (env: NodeJS.ProcessEnv = process.env): boolean =>
  !!env.CI && !["0", "false", "no"].includes(env.CI.trim().toLowerCase());

/**
 * Real servers the suite uses when they answer. Outside CI a missing server skips its suites with a
 * loud warning; with CI=true it fails the run, so CI can never go green by skipping.
 */
export async function checkServers(
  env = process.env,
): Promise<{ postgresUrl: string | null; redisUrl: string | null }> {
  return { postgresUrl: await checkPostgres(env), redisUrl: await checkRedis(env) };
}

async function checkRedis(env: NodeJS.ProcessEnv): Promise<string | null> {
  const url = env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch (error) {
    const message = `Redis at ${url} does not answer (${(error as Error).message})`;
    if (inCI(env)) throw new Error(message);
    console.warn(`\n⚠️  ${message}: Redis suites are SKIPPED\n`);
    return null;
  } finally {
    if (client.isOpen) await client.close();
  }
}

async function checkPostgres(env: NodeJS.ProcessEnv): Promise<string | null> {
  const url = env.DATABASE_URL ?? null;
  if (!url) {
    const message =
      "DATABASE_URL is not set: origin suites run on PGlite only (set it to also run on PostgreSQL)";
    if (inCI(env)) throw new Error(`${message}; CI must run both engines`);
    console.warn(`\n⚠️  ${message}\n`);
    return null;
  }
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return url;
  } catch (error) {
    const message = `PostgreSQL at DATABASE_URL does not answer (${(error as Error).message})`;
    if (inCI(env)) throw new Error(message);
    console.warn(`\n⚠️  ${message}: PostgreSQL suites are SKIPPED\n`);
    return null;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
