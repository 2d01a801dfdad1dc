import { DEV_METRICS } from "../../tests/process.ts";

/**
 * Histograms from a service's `GET /metrics`, read at the edges of a measured window, so the bench
 * reports a window's figures the way an operator's Prometheus would (increase over the window):
 * where its time went (state reads, building, batch sizes) and its live lag by bucket.
 */
type Series = { sum: number; count: number; buckets: Map<number, number> };
export type Snapshot = Map<string, Series>;

const LINE = /^(\w+?)(_bucket|_sum|_count)(?:\{([^}]*)\})? ([\d.eE+-]+)$/;

/** Every histogram series of the service now, keyed by name and labels (without `le`). */
export async function scrape(url: string): Promise<Snapshot> {
  const text = await (await fetch(`${url}/metrics`, { headers: DEV_METRICS })).text();
  const out: Snapshot = new Map();
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = (m[3] ?? "").split(",").filter((l) => l && !l.startsWith("le="));
    const le = /le="([^"]+)"/.exec(m[3] ?? "")?.[1];
    const name = `${m[1]}${labels.length ? `{${labels.join(",")}}` : ""}`;
    const s = out.get(name) ?? { sum: 0, count: 0, buckets: new Map() };
    const value = Number(m[4]);
    if (m[2] === "_sum") s.sum = value;
    else if (m[2] === "_count") s.count = value;
    else if (le) s.buckets.set(le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), value);
    out.set(name, s);
  }
  return out;
}

/** Each series' count and mean between two snapshots, for the series whose name starts as given. */
export function means(before: Snapshot, after: Snapshot, names: string[]) {
  const rows: { series: string; count: number; mean: number }[] = [];
  for (const [series, s] of after) {
    if (!names.some((n) => series.startsWith(n))) continue;
    const count = s.count - (before.get(series)?.count ?? 0);
    if (count > 0) rows.push({ series, count, mean: (s.sum - (before.get(series)?.sum ?? 0)) / count });
  }
  return rows;
}

/**
 * One histogram between two snapshots: how many samples, the share at or under `limit`, and for each
 * quantile the upper bound of the bucket it falls in (the true value is at most that, and above the
 * bucket below: no interpolation, so never an optimistic figure).
 */
export function bucketQuantiles(before: Snapshot, after: Snapshot, series: string, limit: number) {
  const a = after.get(series);
  const b = before.get(series);
  if (!a) return null;
  const bounds = [...a.buckets.keys()].sort((x, y) => x - y);
  const under = (le: number) => (a.buckets.get(le) ?? 0) - (b?.buckets.get(le) ?? 0);
  const count = a.count - (b?.count ?? 0);
  const bound = (q: number) => bounds.find((le) => under(le) >= q * count) ?? Number.POSITIVE_INFINITY;
  return {
    count,
    shareUnderLimit: count ? under(limit) / count : null,
    p50: bound(0.5),
    p99: bound(0.99),
  };
}
