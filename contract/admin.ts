import { z } from "zod";
import { Id, IsoDateTime } from "./domain.ts";

/** Admin API bodies (docs/operations.md#admin-api), shared by the sync-worker and the CLI. Each names exactly one scope. */
const exactlyOne = (keys: string[]) => (value: Record<string, unknown>) =>
  keys.filter((k) => value[k] !== undefined).length === 1;

export const Duration = z.string().regex(/^\d{1,6}(s|m|h|d)$/, "must be a duration like 90s, 15m, 2h or 1d");
export const PurgeBody = z
  .object({
    shopIds: z.array(Id).min(1).max(10_000).optional(),
    keys: z.array(z.string()).min(1).max(10_000).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine(exactlyOne(["shopIds", "keys", "all"]), { message: "give exactly one of shopIds, keys, all" });
export type PurgeBody = z.infer<typeof PurgeBody>;

export const ResyncBody = z
  .object({
    shopIds: z.array(Id).min(1).max(10_000).optional(),
    since: z.union([IsoDateTime, Duration]).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine(exactlyOne(["shopIds", "since", "all"]), { message: "give exactly one of shopIds, since, all" });
export type ResyncBody = z.infer<typeof ResyncBody>;

export const ReplayBody = z
  .object({ ids: z.array(z.string().min(1)).min(1).max(10_000).optional(), all: z.literal(true).optional() })
  .strict()
  .refine(exactlyOne(["ids", "all"]), { message: "give exactly one of ids, all" });
export type ReplayBody = z.infer<typeof ReplayBody>;

export const JobState = z.enum(["running", "done", "failed"]);
export const Job = z.object({
  id: z.string(),
  kind: z.literal("resync"),
  scope: z.string(),
  state: JobState,
  total: z.number().int().nullable(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Shops rebuilt per second so far, and the seconds left at that pace (null until known). */
  perSec: z.number().nullable().optional(),
  etaSeconds: z.number().int().nullable().optional(),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
  error: z.string().optional(),
});
export type Job = z.infer<typeof Job>;

/** `15m` → milliseconds. */
export function durationMs(d: string): number {
  const n = Number(d.slice(0, -1));
  const unit = d.at(-1) as "s" | "m" | "h" | "d";
  return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
}

/** `POST /admin/audit`: how many stored details to compare with the origin's state. */
export const AuditBody = z.object({ sample: z.number().int().min(1).max(10_000).default(100) }).strict();
