import { beforeEach, describe, expect, it } from "vitest";
import type { DeadLetter } from "../../contract/index.ts";
import type { DocumentStore } from "../port.ts";
import { freshStore, type StoreFactory } from "./kit.ts";

const dead = (id: string, at: string): DeadLetter => ({
  id,
  payload: { type: "shop", id },
  reason: "origin answered 500",
  attempts: 5,
  firstFailedAt: at,
  lastFailedAt: at,
});

/** One suite of the operational records (checkpoints, dead letters, jobs) for every driver. */
export function recordStoreSuite(name: string, factory: StoreFactory) {
  describe(`RecordStore contract: ${name}`, () => {
    const current = freshStore(factory);
    // The whole store: a purge (a served-side operation) decides what happens to the records.
    let store: DocumentStore;
    beforeEach(() => {
      store = current();
    });

    it("keeps checkpoints and dead letters, oldest failure first", async () => {
      expect(await store.getCheckpoint("catch-up")).toBeNull();
      await store.setCheckpoint("catch-up", 1234);
      expect(await store.getCheckpoint("catch-up")).toBe(1234);
      await store.putDeadLetter(dead("shop:b", "2026-11-26T10:00:00.000Z"));
      await store.putDeadLetter(dead("shop:a", "2026-11-26T11:00:00.000Z"));
      await store.putDeadLetter({ ...dead("shop:b", "2026-11-26T10:00:00.000Z"), attempts: 6 });
      expect(await store.countDeadLetters()).toBe(2);
      const listed = await store.listDeadLetters();
      expect(listed.map((d) => [d.id, d.attempts])).toEqual([
        ["shop:b", 6],
        ["shop:a", 5],
      ]);
      expect(await store.deleteDeadLetters(["shop:b", "shop:zzz"])).toBe(1);
      expect(await store.countDeadLetters()).toBe(0 + 1);
    });

    it("keeps resync jobs for every sync-worker, newest first, through a purge", async () => {
      const job = (id: string, startedAt: string) => ({
        id,
        kind: "resync" as const,
        scope: "all",
        state: "running" as const,
        total: null,
        done: 0,
        failed: 0,
        startedAt,
        finishedAt: null,
      });
      expect(await store.getJob("j-none")).toBeNull();
      await store.putJob(job("j-old", "2026-11-26T10:00:00.000Z"));
      await store.putJob(job("j-new", "2026-11-26T11:00:00.000Z"));
      await store.putJob({ ...job("j-old", "2026-11-26T10:00:00.000Z"), state: "done", total: 3, done: 3 });
      expect(await store.getJob("j-old")).toMatchObject({ state: "done", total: 3, done: 3 });
      expect((await store.listJobs()).map((j) => j.id)).toEqual(["j-new", "j-old"]);
      expect((await store.listJobs(1)).map((j) => j.id)).toEqual(["j-new"]);
      await store.purgeAll();
      expect((await store.getJob("j-new"))?.state).toBe("running");
      await store.purgeAll({ deadLetters: true });
      expect(await store.listJobs()).toEqual([]);
    });

    it("a purge clears checkpoints and keeps dead letters unless asked", async () => {
      await store.setCheckpoint("catch-up", 9);
      await store.putDeadLetter(dead("x", "2026-11-26T12:00:00.000Z"));
      await store.purgeAll();
      expect(await store.getCheckpoint("catch-up")).toBeNull();
      expect(await store.countDeadLetters()).toBe(1);
      await store.purgeAll({ deadLetters: true });
      expect(await store.countDeadLetters()).toBe(0);
    });
  });
}
