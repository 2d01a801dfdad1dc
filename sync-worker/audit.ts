import type { OriginClient } from "../clients/index.ts";
import { docKey } from "../contract/index.ts";
import { projectDetail } from "../projection/index.ts";
import type { ServedStore } from "../store/port.ts";
import type { Rebuilder } from "./pipeline/rebuild.ts";

export type AuditReport = {
  sampled: number;
  drifted: { id: string; reason: string }[];
  repaired: number;
  failed: number;
};

/**
 * Drift audit (a safety net beside catch-up, on demand): samples shops, compares each stored detail with a
 * fresh projection of the origin's state — content only, not when it was built — and rebuilds what
 * differs, reporting what it found.
 */
export async function auditShops(
  o: { origin: OriginClient; store: ServedStore; rebuilder: Rebuilder },
  sample: number,
): Promise<AuditReport> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await o.origin.shopIds({ ...(after ? { after } : {}), limit: 5000 });
    ids.push(...page.ids);
    after = page.next ?? undefined;
  } while (after);
  // Partial Fisher–Yates: a uniform sample without copying the whole list twice.
  const n = Math.min(sample, ids.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  const chosen = ids.slice(0, n);
  const drifted: AuditReport["drifted"] = [];
  const now = Date.now();
  for (const id of chosen) {
    const state = await o.origin.shop(id);
    const stored = await o.store.get(docKey.detail(id));
    if (!state) {
      if (stored) drifted.push({ id, reason: "stored, but the origin has no such shop" });
      continue;
    }
    if (!stored) {
      drifted.push({ id, reason: "missing from the store" });
      continue;
    }
    const content = (d: Record<string, unknown>) => JSON.stringify({ ...d, builtAt: null, seq: null });
    if (
      content(JSON.parse(stored.body)) !==
      content(projectDetail(state, now) as unknown as Record<string, unknown>)
    ) {
      drifted.push({
        id,
        reason: `differs from the origin (stored version ${stored.version}, origin ${state.shop.version})`,
      });
    }
  }
  // A corrupted document may claim a higher version than the origin's: drop it first, or the
  // version guard would keep it.
  await o.store.delete(drifted.map((d) => docKey.detail(d.id)));
  const outcome = drifted.length
    ? await o.rebuilder.rebuildShops(drifted.map((d) => d.id))
    : { failed: new Map() };
  return { sampled: n, drifted, repaired: drifted.length - outcome.failed.size, failed: outcome.failed.size };
}
