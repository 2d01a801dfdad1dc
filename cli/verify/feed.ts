import type { z } from "zod";
import { ChangesResponse, ShopIdsResponse, ShopStateResponse } from "../../contract/index.ts";

export type Answer = { status: number; body: unknown; ms: number };
/** One rule's outcome in a verify report. */
export type Finding = { rule: string; ok: boolean; required: boolean; path?: string; why?: string };

export type Add = (
  rule: string,
  ok: boolean,
  extra?: Omit<Finding, "rule" | "ok" | "required">,
  required?: boolean,
) => void;

/** Ids page to the end, with no id twice (bounded: 200 pages of 500). */
export async function pageIds(get: (p: string) => Promise<Answer>, add: Add) {
  const seen = new Set<string>();
  let after: string | null = "";
  for (let page = 0; after !== null && page < 200; page++) {
    const path = `/state/shops/ids?limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`;
    const parsed = ShopIdsResponse.safeParse((await get(path)).body);
    if (!parsed.success)
      return add("shop ids page to the end", false, { path, why: "not a ShopIdsResponse" });
    for (const id of parsed.data.ids) {
      if (seen.has(id))
        return add("shop ids page to the end without repeats", false, { path, why: `${id} twice` });
      seen.add(id);
    }
    after = parsed.data.next;
  }
  add("shop ids page to the end without repeats", after === null, {
    why: after === null ? `${seen.size} ids` : "more than 200 pages",
  });
}

/**
 * The change feed pages by `after` / `next` with seqs rising and no change twice, and paging skips
 * nothing (three pages of 20 hold what one page of 60 holds); `since` is accepted. Answers the shop
 * ids the feed names, for the tombstone rule.
 */
export async function pageChanges(
  check: <S extends z.ZodType>(r: string, p: string, s: S) => Promise<z.infer<S> | null>,
  add: Add,
) {
  let after = 0;
  let last = 0;
  const paged: number[] = [];
  const shops = new Set<string>();
  for (let page = 0; page < 3; page++) {
    const path = `/state/changes?after=${after}&limit=20`;
    const rule =
      page === 0 ? "GET /state/changes answers a page and its next" : `… and page ${page + 1} by \`after\``;
    const feed = await check(rule, path, ChangesResponse);
    if (!feed || feed.changes.length === 0) break;
    for (const c of feed.changes) {
      if (c.seq <= last) {
        add("the change feed rises without repeats", false, { path, why: `seq ${c.seq} after ${last}` });
        return shops;
      }
      last = c.seq;
      paged.push(c.seq);
      if (c.type === "shop") shops.add(c.id);
    }
    if (feed.next < last) {
      add("`next` is the last seq of the page", false, { path, why: `next ${feed.next}, last ${last}` });
      return shops;
    }
    after = feed.next;
  }
  add("the change feed rises without repeats", true);
  const whole = await check("… and as one page of 60", "/state/changes?after=0&limit=60", ChangesResponse);
  if (whole) {
    const once = whole.changes.slice(0, paged.length).map((c) => c.seq);
    const missed = once.filter((seq) => !paged.includes(seq));
    add("paging by `next` skips no change", missed.length === 0, {
      path: "/state/changes?after=…&limit=20",
      ...(missed.length
        ? { why: `seq ${missed.slice(0, 5).join(", ")} in one page, missing from the pages` }
        : {}),
    });
  }
  await check(
    "GET /state/changes accepts `since`",
    `/state/changes?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&limit=5`,
    ChangesResponse,
  );
  return shops;
}

/**
 * A shop the feed names must answer 200: the aggregate, or a tombstone (`deleted: true` with its
 * version) once deleted. A 404 for it leaves the query side unable to tell "gone" from "never was",
 * so a deleted shop's documents could never be retired by version.
 */
export async function tombstones(get: (p: string) => Promise<Answer>, add: Add, ids: Set<string>) {
  let seen = 0;
  for (const id of [...ids].slice(0, 50)) {
    const path = `/state/shops/${encodeURIComponent(id)}`;
    const a = await get(path);
    if (a.status === 404)
      return add("a deleted shop answers a tombstone, not 404", false, {
        path,
        why: "named in the change feed, answered 404",
      });
    const parsed = ShopStateResponse.safeParse(a.body);
    if (parsed.success && parsed.data.shop.deleted) seen++;
  }
  add("a deleted shop answers a tombstone, not 404", true, {
    why: seen ? `${seen} tombstone(s) among the feed's shops` : "no deleted shop among the feed's shops",
  });
}

/** Opt-in: one change through the command API (a rename to the same name) shows in the feed. */
export async function probe(
  base: string,
  get: (p: string) => Promise<Answer>,
  o: { id: string; name: string; seq: number },
  add: Add,
) {
  const { id, name, seq } = o;
  const path = `/shops/${encodeURIComponent(id)}`;
  const res = await fetch(new URL(path, base), {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (!res.ok)
    return add("write probe: PATCH /shops/:id is accepted", false, { path, why: `answered ${res.status}` });
  const feed = ChangesResponse.safeParse((await get(`/state/changes?after=${seq}&limit=100`)).body);
  const found = feed.success && feed.data.changes.some((c) => (c.shopId ?? c.id) === id && c.seq > seq);
  add("write probe: the change is in the feed with a higher seq", found, {
    path: "/state/changes",
    ...(found ? {} : { why: "not found" }),
  });
}
