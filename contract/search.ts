import { z } from "zod";
import { ListEntry } from "./documents.ts";
import { Region } from "./domain.ts";

/**
 * `GET /v1/search`: shops of a delivery region matching a query by shop name, menu names or category
 * (Korean names too). The query is trimmed; empty, over 100 characters, control characters or markup
 * are refused with the field named.
 */
export const SearchQuery = z
  .object({
    region: Region,
    q: z
      .string()
      .transform((s) => s.trim())
      .pipe(
        z
          .string()
          .min(1, "must not be empty")
          .max(100, "must be at most 100 characters")
          // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
          .refine((s) => !/[\u0000-\u001f\u007f<>]/.test(s), "must not contain control characters or markup"),
      ),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    cursor: z.string().max(64).optional(),
  })
  .strict();

export const SearchHit = ListEntry.extend({
  open: z.boolean(),
  /** Menus of the shop the query matched, in menu order. */
  matchedMenus: z.array(z.string()),
});
export const SearchPage = z.object({
  region: Region,
  q: z.string(),
  total: z.number().int(),
  shops: z.array(SearchHit),
  next: z.string().nullable(),
  /** The typo pass stopped at the query's work budget: texts one typo away may be missing. */
  partial: z.boolean(),
});
export type SearchPage = z.infer<typeof SearchPage>;
