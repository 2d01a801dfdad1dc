import { describe, expect, it } from "vitest";
import { ChangeEvent } from "../contract/index.ts";
import { engines } from "../tests/databases.ts";
import { freePort, startReceiver, waitFor } from "../tests/event-receiver.ts";
import { pendingCount } from "./domain/outbox.ts";
import { OutboxRelay } from "./relay.ts";
import { ownerInput, shopInput, silent, useOrigin } from "./test/fixture.ts";

const fast = { pollMs: 50, backoff: { baseMs: 20, maxMs: 100 }, requestTimeoutMs: 1000 };

describe.each(engines())("outbox relay on $name", (engine) => {
  const t = useOrigin(engine);
  /** A started relay with short timings; stopped after the test unless the test stops it first. */
  const startRelay = (syncUrl: string, eventsToken = "t0ken-123") => {
    const relay = new OutboxRelay({ db: t.db, syncUrl, eventsToken, logger: silent, ...fast });
    relay.start();
    t.defer(() => relay.stop());
    return relay;
  };

  it("delivers zero-payload events with the bearer token, and marks them delivered", async () => {
    const receiver = await startReceiver();
    t.defer(receiver.close);
    startRelay(receiver.url, "secret-token");
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const shop = await t.api.ok("POST", "/shops", shopInput(owner.id));
    await t.api.ok("PATCH", `/shops/${shop.id}`, { name: "새 이름" });
    await waitFor(() => receiver.events().length === 3);
    expect(receiver.received.every((r) => r.authorization === "Bearer secret-token")).toBe(true);
    const events = receiver.events().map((e) => ChangeEvent.parse(e));
    expect(events.map((e) => e.type)).toEqual(["owner", "shop", "shop"]);
    expect(receiver.events()[2]).toEqual({ type: "shop", id: shop.id, occurredAt: expect.any(String) });
    await waitFor(async () => (await pendingCount(t.db)) === 0);
  });

  it("keeps events while the receiver is down or failing, and delivers them once it is back", async () => {
    const port = await freePort();
    const relay = startRelay(`http://127.0.0.1:${port}`, "t0ken-123");
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    await t.api.ok("POST", "/shops", shopInput(owner.id));
    await waitFor(() => relay.stats.failedAttempts >= 2); // connection refused, retried
    expect(await pendingCount(t.db)).toBe(2);

    let failing = true;
    const receiver = await startReceiver(port, () => (failing ? 503 : 202));
    t.defer(receiver.close);
    await waitFor(() => relay.stats.failedAttempts >= 4); // up but answering 503: still kept
    expect(await pendingCount(t.db)).toBe(2);
    failing = false;
    await waitFor(() => receiver.events().length === 2, 5000);
    await waitFor(async () => (await pendingCount(t.db)) === 0);
  });

  // PGlite has one connection: a second transaction holding rows would block the test itself.
  it.runIf(engine.name === "postgres")(
    "a batch whose mark is held up holds back no later event, and is marked once it can be",
    async () => {
      let hold: (() => void) | null = null;
      const receiver = await startReceiver(0, async () => {
        if (hold === null) await new Promise<void>((r) => (hold = r)); // the first POST waits
        return 202;
      });
      t.defer(receiver.close);
      startRelay(receiver.url);
      const owner = await t.api.ok("POST", "/owners", ownerInput);
      await waitFor(() => hold !== null); // the owner's event is in flight, not yet marked
      // Another transaction locks the owner's outbox row, so the relay's mark of it must wait.
      let release: () => void = () => {};
      const locked = new Promise<void>((r) => (release = r));
      const locker = t.db.transaction(async (tx) => {
        await tx.query("SELECT seq FROM outbox WHERE id = $1 FOR UPDATE", [owner.id]);
        (hold as unknown as () => void)();
        await locked;
      });
      await waitFor(() => receiver.events().length === 1);
      const shop = await t.api.ok("POST", "/shops", shopInput(owner.id));
      // Delivered while the first mark waits on the lock: an event no longer queues behind it.
      await waitFor(() => receiver.events().length === 2);
      expect(receiver.events()[1]).toMatchObject({ type: "shop", id: shop.id });
      expect(await pendingCount(t.db)).toBe(2); // neither mark has landed: the second is behind the first
      release();
      await locker;
      await waitFor(async () => (await pendingCount(t.db)) === 0);
      expect(receiver.events().map((e) => e.id)).toEqual([owner.id, shop.id]); // none sent twice
    },
  );

  it("a new relay on the same database resumes what an earlier one never delivered", async () => {
    const port = await freePort();
    const first = startRelay(`http://127.0.0.1:${port}`, "t0ken-123");
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    await t.api.ok("POST", "/shops", shopInput(owner.id));
    await waitFor(() => first.stats.failedAttempts >= 1);
    await first.stop();

    const receiver = await startReceiver(port);
    t.defer(receiver.close);
    startRelay(receiver.url, "t0ken-123");
    await waitFor(() => receiver.events().length === 2);
    expect(receiver.events().map((e) => e.type)).toEqual(["owner", "shop"]);
  });
});
