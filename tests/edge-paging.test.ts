import { describe, expect, it } from "vitest";
import { docKey, type ListEntry, listMember } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { startEdgeStack } from "./edge-stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const LIST = docKey.list("gwanak", "chicken");
const PAGE = "/v1/shops?region=gwanak&category=chicken&limit=5";

const card = (n: number, rating: number): ListEntry => ({
  id: `s_page_${String(n).padStart(2, "0")}`,
  name: `가게 ${n}`,
  category: "chicken",
  rating,
  reviewCount: 10,
  minOrder: 12000,
  deliveryFee: 0,
  openHours: "11:00-23:00",
  ad: null,
});

/** Twelve shops by rating (s_page_01 first), then a re-ranking between two page requests. */
async function pagedAcrossAChange(retainS: number) {
  const db = await pglite.open();
  const s = await startEdgeStack(db, { config: { EDGE_L1_TTL_MS: 60_000, EDGE_CURSOR_RETAIN_S: retainS } });
  const write = (e: ListEntry, version: number) =>
    s.store.applyLists(
      [
        {
          list: LIST,
          id: e.id,
          guard: { version, seq: version },
          entry: { member: listMember(e), card: JSON.stringify(e) },
        },
      ],
      new Date().toISOString(),
    );
  try {
    for (let n = 1; n <= 12; n++) await write(card(n, 5 - n * 0.1), 1);
    const first = await s.get(PAGE);
    const before = (await s.get("/v1/shops?region=gwanak&category=chicken&limit=100")).json.shops.map(
      (e: ListEntry) => e.id,
    );
    // s_page_08 (on page 2) jumps to the top; s_page_02 (on page 1) drops to the bottom.
    await write(card(8, 4.99), 2);
    await write(card(2, 1), 2);
    const changed = await s.get(PAGE);
    expect(changed.json.shops[0].id).toBe("s_page_08"); // the edge serves the new version now
    const second = await s.get(`${PAGE}&cursor=${first.json.next}`);
    expect(second.status).toBe(200);
    const ids = (page: { json: { shops: ListEntry[] } }) => page.json.shops.map((e) => e.id);
    return { first: ids(first), second: ids(second), before, secondAnswer: second };
  } finally {
    await s.stop();
    await db.close();
  }
}

describe("list paging stays stable while the list changes", () => {
  it("a cursor's next page is cut from the version its first page came from: no shop twice, none skipped", async () => {
    const { first, second, before } = await pagedAcrossAChange(600);
    const walked = [...first, ...second];
    expect(new Set(walked).size).toBe(walked.length); // no duplicate
    expect(walked).toEqual(before.slice(0, 10)); // exactly the first ten of the version paged
  });

  it("where that version is no longer held, the next page starts after the last shop shown (keyset)", async () => {
    const { first, second, before, secondAnswer } = await pagedAcrossAChange(0);
    const walked = [...first, ...second];
    expect(new Set(walked).size).toBe(walked.length); // no duplicate
    // Every shop that kept its place relative to the cursor is shown; only a mover may be missed.
    const stayed = before.slice(0, 10).filter((id: string) => id !== "s_page_08" && id !== "s_page_02");
    for (const id of stayed) expect(walked).toContain(id);
    expect(secondAnswer.json.shops[0].id).toBe("s_page_06");
  });

  it("refuses a cursor it did not issue, and still reads cursors issued before versions were named", async () => {
    const db = await pglite.open();
    const s = await startEdgeStack(db);
    try {
      const bad = await s.get("/v1/shops?region=gangnam&category=chicken&cursor=bm9wZQ");
      expect(bad.status).toBe(400);
      expect(bad.json.error.details[0].field).toBe("cursor");
      const old = await s.get(
        `/v1/shops?region=gangnam&category=chicken&limit=2&cursor=${btoa("o:2").replace(/=+$/, "")}`,
      );
      const all = await s.get("/v1/shops?region=gangnam&category=chicken&limit=4");
      expect(old.json.shops).toEqual(all.json.shops.slice(2, 4));
    } finally {
      await s.stop();
      await db.close();
    }
  });
});
