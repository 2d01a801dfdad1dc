import postgres from "postgres";

/**
 * `BENCH_PG_STATEMENTS=1`: where PostgreSQL's time went over a measured window, per statement, from
 * pg_stat_statements (the server must load it: `shared_preload_libraries`). Started at the window's
 * start (the counters are reset), answers the top statements by total execution time at its end.
 * Off by default: the extension is not part of the machine's setup.
 */
export async function pgStatements(url: string): Promise<() => Promise<string[]>> {
  if (!process.env.BENCH_PG_STATEMENTS) return async () => [];
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  await sql.unsafe("SELECT pg_stat_statements_reset()");
  return async () => {
    const rows = await sql.unsafe(
      `SELECT calls, round(total_exec_time) AS ms, round(total_plan_time) AS plan_ms, rows,
              shared_blks_hit AS hit, shared_blks_read AS read, shared_blks_dirtied AS dirtied,
              wal_fpi, round(wal_bytes / 1024) AS wal_kb, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15`,
    );
    await sql.end({ timeout: 1 });
    return rows.map(
      (r) =>
        `${r.ms} ms exec · ${r.plan_ms} ms plan · ${r.calls} calls · ${r.rows} rows · blocks hit ${r.hit} read ${r.read} dirtied ${r.dirtied} · WAL ${r.wal_kb} KB, ${r.wal_fpi} full pages · ${r.q}`,
    );
  };
}
