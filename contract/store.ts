import { z } from "zod";
import { IsoDateTime } from "./domain.ts";

/**
 * What a store keeps beside each document's serialized body: the version guard's inputs and the
 * build time the edge derives `Age` from. Parsed on every read: every boundary parses, so a corrupt or foreign value is an error, not a document.
 */
export const DocMeta = z.object({
  version: z.coerce.number().int().min(0),
  seq: z.coerce.number().int().min(0),
  builtAt: IsoDateTime,
});
export type DocMeta = z.infer<typeof DocMeta>;

/** A job the sync-worker gave up on, with why and how often it tried (docs/operations.md: dead letters). */
export const DeadLetter = z.object({
  id: z.string().min(1).max(200),
  payload: z.unknown(),
  reason: z.string(),
  attempts: z.number().int().min(1),
  firstFailedAt: IsoDateTime,
  lastFailedAt: IsoDateTime,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
