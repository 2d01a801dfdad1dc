import { z } from "zod";
import { Id, IsoDateTime } from "./domain.ts";

/**
 * The zero-payload event (docs/decisions/001-zero-payload-events.md): only what changed, never the new state. The query side fetches
 * the state itself, so a late, duplicated or reordered event can never write stale data.
 */
export const EventType = z.enum(["shop", "menu", "ad", "owner"]);
export type EventType = z.infer<typeof EventType>;

export const ChangeEvent = z
  .object({
    type: EventType,
    id: Id,
    shopId: Id.optional(),
    occurredAt: IsoDateTime,
  })
  .strict()
  .refine((e) => e.type === "shop" || e.type === "owner" || e.shopId !== undefined, {
    message: "is required for menu and ad events",
    path: ["shopId"],
  });
export type ChangeEvent = z.infer<typeof ChangeEvent>;

export const MAX_EVENTS_PER_REQUEST = 1000;
export const EventBatch = z
  .object({ events: z.array(ChangeEvent).min(1).max(MAX_EVENTS_PER_REQUEST) })
  .strict();
export type EventBatch = z.infer<typeof EventBatch>;

/** POST /events takes one event or `{events:[...]}`; both normalise to a list. */
export const IngestBody = z.union([EventBatch, ChangeEvent.transform((event) => ({ events: [event] }))]);

export const IngestAccepted = z.object({ accepted: z.number().int() });
