import { describe, expect, it } from "vitest";
import { LIST_SORT_WIDTH } from "../contract/list-order.ts";
import { applyToRecord, cardOf, emptyRecord } from "./list-record.ts";
import type { ListChange } from "./port.ts";
import { utf8Length, utf8LengthLoop } from "./utf8.ts";

describe("utf8Length (bytes written, as the metrics count them)", () => {
  it("counts what TextEncoder would write, for ASCII, Korean, accents, emoji and lone surrogates", () => {
    for (const s of [
      "",
      "abc",
      "원조 치킨 강남점",
      "café",
      "🍗 x 😀",
      '{"name":"가게 🍗"}',
      "\ud800",
      "\udc00a",
    ]) {
      const bytes = new TextEncoder().encode(s).byteLength;
      expect(utf8Length(s)).toBe(bytes); // native where the runtime has it
      expect(utf8LengthLoop(s)).toBe(bytes); // Workers' way
    }
  });
});

describe("applyToRecord keeps the sorted index", () => {
  it("matches a plain model through random batches of joins, moves and leaves", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rec = emptyRecord();
    const model = new Map<string, string>(); // id → member
    let seq = 0;
    let rev = 0;
    for (let round = 0; round < 300; round++) {
      // 1 … 30 changes: both sides of the splice / merge threshold, ids unique within a batch.
      const ids = new Set(
        Array.from({ length: 1 + Math.floor(random() * 30) }, () => `s${Math.floor(random() * 60)}`),
      );
      seq++;
      const changes: ListChange[] = [...ids].map((id) => {
        const leave = random() < 0.3;
        const member = `${String(Math.floor(random() * 1e6)).padStart(LIST_SORT_WIDTH, "0")}${id}`;
        if (leave) model.delete(id);
        else model.set(id, member);
        return {
          list: "list:r1:chicken",
          id,
          guard: { version: seq, seq },
          entry: leave ? null : { member, card: `{"id":"${id}","at":${seq}}` },
        };
      });
      applyToRecord(rec, changes, () => ++rev, "t");
      expect(rec.members.toArray()).toEqual([...model.values()].sort());
      expect(rec.members.length).toBe(model.size);
      for (const [id, member] of model) expect(cardOf(rec, member)).toContain(`"id":"${id}"`);
    }
  });
});

describe("applyToRecord counts the bytes each change writes (guard, member, card)", () => {
  it("as Redis would store them: the guard's text, the member two bytes a character, the card's UTF-8", () => {
    const rec = emptyRecord();
    const member = `${"0".repeat(LIST_SORT_WIDTH)}s1`;
    const card = '{"id":"s1","name":"원조 치킨"}';
    for (const guard of [
      { version: 9, seq: 10 },
      { version: 1000, seq: 99_999 },
      { version: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER },
    ]) {
      const fresh = emptyRecord();
      const { bytes } = applyToRecord(
        fresh,
        [{ list: "list:r1:chicken", id: "s1", guard, entry: { member, card } }],
        () => 1,
        "t",
      );
      const cardBytes = new TextEncoder().encode(card).byteLength;
      expect(bytes).toEqual([`${guard.version}:${guard.seq}`.length + member.length * 2 + cardBytes]);
    }
    // The same entry again under a newer guard: only the guard is written.
    applyToRecord(
      rec,
      [{ list: "l", id: "s1", guard: { version: 1, seq: 1 }, entry: { member, card } }],
      () => 1,
      "t",
    );
    const again = applyToRecord(
      rec,
      [{ list: "l", id: "s1", guard: { version: 2, seq: 10 }, entry: { member, card } }],
      () => 2,
      "t",
    );
    expect(again.bytes).toEqual(["2:10".length]);
  });
});
