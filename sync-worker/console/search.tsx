/** @jsxImportSource hono/jsx */
import { SearchPage as SearchAnswer, SearchQuery } from "../../contract/index.ts";
import { Page } from "./views.tsx";

type Stats = {
  searchRegions?: number;
  searchEntries?: number;
  searchTop?: { region: string; shops: number }[];
};
type Found = { ok: true; page: SearchAnswer } | { ok: false; why: string } | null;

/**
 * The operator's search box: the same `/v1/search` a customer's app calls, asked of the edge at
 * EDGE_URL from the server (the page itself talks to no other host), with the edge's index sizes.
 */
export async function searchView(
  edgeUrl: string,
  query: Record<string, string>,
  /** The edge's index sizes are health details: read with METRICS_TOKEN (one deployment, one token). */
  metricsToken?: string | null,
) {
  let found: Found = null;
  if (query.q !== undefined) {
    const parsed = SearchQuery.safeParse({ region: query.region ?? "", q: query.q, limit: "20" });
    if (!parsed.success)
      found = {
        ok: false,
        why: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      };
    else {
      const url = new URL("/v1/search", edgeUrl);
      url.search = new URLSearchParams({
        region: parsed.data.region,
        q: parsed.data.q,
        limit: "20",
      }).toString();
      found = await fetch(url, { signal: AbortSignal.timeout(5000) })
        .then(async (r) =>
          r.ok
            ? { ok: true as const, page: SearchAnswer.parse(await r.json()) }
            : { ok: false as const, why: `the edge answered ${r.status}` },
        )
        .catch((e) => ({
          ok: false as const,
          why: `cannot reach the edge at ${edgeUrl}: ${(e as Error).message}`,
        }));
    }
  }
  // After the search: the index sizes then include the region just asked about.
  const stats = (await fetch(new URL("/healthz", edgeUrl), {
    signal: AbortSignal.timeout(3000),
    ...(metricsToken ? { headers: { authorization: `Bearer ${metricsToken}` } } : {}),
  })
    .then((r) => r.json())
    .catch(() => null)) as Stats | null;
  return (
    <Page title="Search · edge-cache console">
      <header>
        <h1>
          <a href="/console">edge-cache console</a> · search
        </h1>
      </header>
      <main>
        <form method="get" action="/console/search" class="search">
          <label for="region">Region</label>
          <input id="region" name="region" value={query.region ?? "gangnam"} required />
          <label for="q">Query</label>
          <input id="q" name="q" value={query.q ?? ""} placeholder="떡볶이, ㄸㅂㅇ, 교촌 치킨" required />
          <button type="submit">Search</button>
        </form>
        <p class="note" id="search-index">
          {stats
            ? `Edge ${edgeUrl}: ${stats.searchRegions ?? 0} region(s) indexed, ${stats.searchEntries ?? 0} shops` +
              (stats.searchTop?.length
                ? ` — largest: ${stats.searchTop.map((t) => `${t.region} ${t.shops}`).join(", ")}`
                : "")
            : `Edge ${edgeUrl} did not answer.`}
        </p>
        {found === null ? null : found.ok ? (
          <ol id="search-results">
            {found.page.shops.map((s) => (
              <li data-id={s.id}>
                {s.name} · {s.category}
                {s.open ? "" : " · not open"}
                {s.matchedMenus.length ? ` · menus: ${s.matchedMenus.join(", ")}` : ""}
              </li>
            ))}
            <p class="note">{found.page.total} shop(s)</p>
          </ol>
        ) : (
          <p role="alert" class="error" id="search-error">
            {found.why}
          </p>
        )}
      </main>
    </Page>
  );
}
