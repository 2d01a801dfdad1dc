import type { z } from "zod";
import {
  OutboxStatusResponse,
  OwnerStateResponse,
  ShopIdsResponse,
  ShopListStateResponse,
  ShopStateResponse,
  ShopsStateResponse,
} from "../../contract/index.ts";
import { onlyContractFields, refusesWithoutToken } from "./access.ts";
import { type Answer, type Finding, pageChanges, pageIds, probe, tombstones } from "./feed.ts";

/** One rule of the state-API contract, checked against a running origin. */
export type { Finding };

const SLOW_MS = 1000;

/**
 * A contract tester for an origin team's own state API: reads only (unless `writeProbe`), every
 * answer parsed with the contract's zod schemas, `seq` watermarks never going backwards, change-feed
 * paging without repeats, unknown ids 404, ids paging to the end, a latency bound, and no answer
 * without the token. Each rule is checked unless it needs what failed before it: one broken
 * listing does not hide the faults after it. `token` is the STATE_TOKEN the query side sends.
 */
export async function verifyOrigin(
  base: string,
  o: { writeProbe?: boolean; token?: string | null } = {},
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let lastSeq = -1;
  const get = async (path: string, g: { anonymous?: boolean } = {}): Promise<Answer> => {
    const started = performance.now();
    const headers: Record<string, string> = { accept: "application/json" };
    if (o.token && !g.anonymous) headers.authorization = `Bearer ${o.token}`;
    const res = await fetch(new URL(path, base), { headers });
    const body = await res.json().catch(() => null);
    return { status: res.status, body, ms: performance.now() - started };
  };
  const add = (
    rule: string,
    ok: boolean,
    extra: Omit<Finding, "rule" | "ok" | "required"> = {},
    required = true,
  ) => findings.push({ rule, ok, required, ...extra });
  /** Parses with the contract; records shape, seq monotonicity and latency findings for the path. */
  const check = async <S extends z.ZodType>(
    rule: string,
    path: string,
    schema: S,
  ): Promise<z.infer<S> | null> => {
    const a = await get(path);
    if (path.startsWith("/state/shops/") && a.status === 200) onlyContractFields(a.body, path, add);
    if (a.status !== 200) {
      add(rule, false, { path, why: `answered ${a.status}, expected 200` });
      return null;
    }
    const parsed = schema.safeParse(a.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      add(rule, false, { path, why: `${issue?.path.join(".") || "(root)"}: ${issue?.message}` });
      return null;
    }
    add(rule, true, { path });
    if (a.ms > SLOW_MS)
      add(`answers within ${SLOW_MS} ms`, false, { path, why: `took ${Math.round(a.ms)} ms` }, false);
    const seq = (parsed.data as { seq?: number }).seq;
    if (typeof seq === "number") {
      if (seq < lastSeq) add("seq never goes backwards", false, { path, why: `seq ${seq} after ${lastSeq}` });
      lastSeq = Math.max(lastSeq, seq);
    }
    return parsed.data;
  };

  await refusesWithoutToken(get, add);
  const ids = await check(
    "GET /state/shops/ids answers ids and a next cursor",
    "/state/shops/ids?limit=5",
    ShopIdsResponse,
  );
  const first = ids?.ids[0];
  // No listing, or an empty one: the rules about one shop are left out, every other is still checked.
  if (ids && !first) add("the catalogue has at least one shop", false, { path: "/state/shops/ids" });
  const shop = first
    ? await check(
        "GET /state/shops/:id answers the aggregate with its seq",
        `/state/shops/${encodeURIComponent(first)}`,
        ShopStateResponse,
      )
    : null;
  const unknown = await get("/state/shops/s_edge_cache_verify_unknown");
  add("an unknown shop id is 404", unknown.status === 404, {
    path: "/state/shops/s_edge_cache_verify_unknown",
    why: `answered ${unknown.status}`,
  });
  if (first && shop && !shop.shop.deleted) {
    const owner = await check(
      "GET /state/owners/:id answers the owner and its shop ids",
      `/state/owners/${encodeURIComponent(shop.shop.ownerId)}`,
      OwnerStateResponse,
    );
    if (owner)
      add("the owner lists the shop", owner.shopIds.includes(first), {
        path: `/state/owners/${shop.shop.ownerId}`,
      });
    const [region, category] = [shop.shop.regions[0], shop.shop.category];
    if (region) {
      const list = await check(
        "GET /state/shops?region&category answers the list source",
        `/state/shops?region=${region}&category=${category}`,
        ShopListStateResponse,
      );
      if (list && shop.shop.status === "open")
        add(
          "an open shop is in its list source",
          list.shops.some((s) => s.id === first),
          { path: `/state/shops?region=${region}&category=${category}` },
        );
    }
  }
  await pageIds(get, add);
  const feedShops = await pageChanges(check, add);
  await tombstones(get, add, feedShops);
  const unknownOwner = await get("/state/owners/o_edge_cache_verify_unknown");
  add("an unknown owner id is 404", unknownOwner.status === 404, {
    path: "/state/owners/o_edge_cache_verify_unknown",
    why: `answered ${unknownOwner.status}`,
  });
  for (const [rule, path, schema] of [
    ["optional GET /state/outbox answers the backlog (or 404)", "/state/outbox", OutboxStatusResponse],
    [
      "optional GET /state/shops/batch answers many shops (or 404)",
      `/state/shops/batch?ids=${first ? `${encodeURIComponent(first)},` : ""}s_edge_cache_verify_unknown`,
      ShopsStateResponse,
    ],
  ] as const) {
    const a = await get(path);
    add(
      rule,
      a.status === 404 || (a.status === 200 && schema.safeParse(a.body).success),
      { path, why: `answered ${a.status}` },
      false,
    );
  }
  if (o.writeProbe && first && shop && !shop.shop.deleted)
    await probe(base, get, { id: first, name: shop.shop.name, seq: lastSeq }, add);
  return findings;
}
