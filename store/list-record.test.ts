import { describe, expect, it } from "vitest";
import { LIST_SORT_WIDTH } from "../contract/list-order.ts";
import { applyToRecord, cardOf, emptyRecord, utf8Length } from "./list-record.ts";
import type { ListChange } from "./port.ts";

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
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).byteLength);
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
