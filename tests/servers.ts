import postgres from "postgres";

/**
 * Real servers the suite uses when they answer. Outside CI a missing server skips its suites with a
 * loud warning; with CI=true it fails the run, so CI can never go green by skipping.
 */
export async function checkServers(env = process.env): Promise<{ postgresUrl: string | null }> {
  const url = env.DATABASE_URL ?? null;
  if (!url) {
    const message =
      "DATABASE_URL is not set: origin suites run on PGlite only (set it to also run on PostgreSQL)";
    if (env.CI === "true") throw new Error(`${message}; CI must run both engines`);
    console.warn(`\n⚠️  ${message}\n`);
    return { postgresUrl: null };
  }
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return { postgresUrl: url };
  } catch (error) {
    const message = `PostgreSQL at DATABASE_URL does not answer (${(error as Error).message})`;
    if (env.CI === "true") throw new Error(message);
    console.warn(`\n⚠️  ${message}: PostgreSQL suites are SKIPPED\n`);
    return { postgresUrl: null };
  } finally {
    await sql.end({ timeout: 1 });
  }
}
