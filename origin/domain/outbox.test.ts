import { describe, expect, it } from "vitest";
import { ChangesResponse, OutboxStatusResponse } from "../../contract/index.ts";
import { engines } from "../../tests/databases.ts";
import { ownerInput, shopInput, useOrigin } from "../test/fixture.ts";
import { markDelivered, pendingChanges } from "./outbox.ts";
import { createShop, patchShop } from "./shops.ts";

describe.each(engines())("outbox and change feed on $name", (engine) => {
  const t = useOrigin(engine);

  it("a rolled-back change emits nothing: the change and its outbox row commit together", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const before = await pendingChanges(t.db, 100);
    await expect(
      t.db.transaction(async (tx) => {
        const shop = await createShop(tx, {
          ...shopInput(owner.id),
          status: "open",
          rating: 0,
          reviewCount: 0,
        } as never);
        await patchShop(tx, shop.id, { rating: 4 });
        throw new Error("the caller fails after writing");
      }),
    ).rejects.toThrow("the caller fails");
    expect(await pendingChanges(t.db, 100)).toEqual(before);
    expect((await t.api.call("GET", "/state/shops/ids")).json.ids).toEqual([]);
    // A command that fails half-way through (unknown shop after the version check) leaves no row either.
    expect(
      (
        await t.api.call("POST", "/ads", {
          shopId: "s_gone",
          product: "open_list",
          regions: ["gangnam"],
          startsAt: "2026-01-01T00:00:00Z",
          endsAt: "2027-01-01T00:00:00Z",
          bid: 1,
        })
      ).status,
    ).toBe(404);
    expect(await pendingChanges(t.db, 100)).toEqual(before);
  });

  it("/state/outbox reports the undelivered backlog, its oldest row and the watermark", async () => {
    const empty = OutboxStatusResponse.parse((await t.api.call("GET", "/state/outbox")).json);
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    await t.api.ok("POST", "/shops", shopInput(owner.id));
    const status = OutboxStatusResponse.parse((await t.api.call("GET", "/state/outbox")).json);
    expect(status.pending).toBe(empty.pending + 2);
    expect(status.seq).toBe(empty.seq + 2);
    expect(status.oldestPendingAt).not.toBeNull();
    const rows = await pendingChanges(t.db, 1000);
    await markDelivered(
      t.db,
      rows.map((r) => r.seq),
    );
    expect((await t.api.call("GET", "/state/outbox")).json).toEqual({
      seq: status.seq,
      pending: 0,
      oldestPendingAt: null,
    });
  });

  it("the change feed pages by `after` with gap-free seqs and accepts `since`", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const shop = await t.api.ok("POST", "/shops", shopInput(owner.id));
    for (let i = 0; i < 7; i++) await t.api.ok("PATCH", `/shops/${shop.id}`, { reviewCount: i });
    const menu = await t.api.ok("POST", `/shops/${shop.id}/menus`, { name: "콜라", price: 2000 });

    const seen: ChangesResponse["changes"] = [];
    let after = 0;
    for (;;) {
      const page = ChangesResponse.parse(
        (await t.api.call("GET", `/state/changes?after=${after}&limit=4`)).json,
      );
      if (page.changes.length === 0) {
        expect(page.next).toBe(after); // caught up: the cursor stays where it is
        break;
      }
      seen.push(...page.changes);
      after = page.next;
    }
    expect(seen.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen[0]).toMatchObject({ type: "owner", id: owner.id, shopId: null });
    expect(seen.at(-1)).toMatchObject({ type: "menu", id: menu.id, shopId: shop.id });

    const cut = seen[5]?.at as string;
    const since = ChangesResponse.parse(
      (await t.api.call("GET", `/state/changes?since=${encodeURIComponent(cut)}`)).json,
    );
    expect(since.changes[0]?.seq).toBeLessThanOrEqual(6);
    expect(since.changes.at(-1)?.seq).toBe(10);
    const future = ChangesResponse.parse(
      (await t.api.call("GET", "/state/changes?since=2999-01-01T00:00:00Z")).json,
    );
    expect(future).toEqual({ changes: [], next: 10 }); // nothing newer: the reader is at the watermark
  });

  it("concurrent writers get distinct seqs and every change is in the feed", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const shops = await Promise.all([1, 2, 3, 4].map(() => t.api.ok("POST", "/shops", shopInput(owner.id))));
    await Promise.all(
      shops.flatMap((s) =>
        [1, 2, 3, 4, 5].map((n) => t.api.ok("PATCH", `/shops/${s.id}`, { reviewCount: n })),
      ),
    );
    const feed = ChangesResponse.parse((await t.api.call("GET", "/state/changes?limit=100")).json);
    expect(feed.changes.map((c) => c.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    for (const s of shops) {
      const state = (await t.api.call("GET", `/state/shops/${s.id}`)).json;
      expect(state.shop.version).toBe(6);
      expect(state.seq).toBe(25);
    }
  });

  // PGlite has one connection, so two transactions cannot be open at once there.
  if (engine.name === "postgres")
    it("a change is numbered when it commits: an open transaction holds no later command back, and seq order is commit order", async () => {
      const owner = await t.api.ok("POST", "/owners", ownerInput);
      const [first, second] = await Promise.all(
        [1, 2].map(() => t.api.ok("POST", "/shops", shopInput(owner.id))),
      );
      const before = ChangesResponse.parse((await t.api.call("GET", "/state/changes?limit=100")).json).next;
      let written = () => {};
      let finish = () => {};
      const wroteFirst = new Promise<void>((res) => (written = res));
      const mayCommit = new Promise<void>((res) => (finish = res));
      const slow = t.db.transaction(async (tx) => {
        await patchShop(tx, first.id, { reviewCount: 1 });
        written();
        await mayCommit; // still open, its outbox row written
      });
      await wroteFirst;
      // Written after the open one and committed before it. Had the counter row been locked when
      // the first change was written, this would wait for the first commit, which waits for this.
      await t.api.ok("PATCH", `/shops/${second.id}`, { reviewCount: 2 });
      finish();
      await slow;
      const feed = ChangesResponse.parse((await t.api.call("GET", `/state/changes?after=${before}`)).json);
      expect(feed.changes.map((c) => [c.seq, c.id])).toEqual([
        [before + 1, second.id],
        [before + 2, first.id],
      ]);
    });

  it("shop ids enumerate in pages for a full resync, tombstones included", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.api.ok("POST", "/shops", shopInput(owner.id))).id);
    await t.api.ok("DELETE", `/shops/${ids[0]}`);
    const first = (await t.api.call("GET", "/state/shops/ids?limit=3")).json;
    const second = (await t.api.call("GET", `/state/shops/ids?limit=3&after=${first.next}`)).json;
    expect(second.next).toBeNull();
    expect([...first.ids, ...second.ids]).toEqual([...ids].sort());
  });
});
