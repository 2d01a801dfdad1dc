import { ShopAggregate, StateOwner } from "../../contract/index.ts";
import type { Add, Answer } from "./feed.ts";

/**
 * The state API serves whole aggregates in bulk: a caller without the query side's token must be
 * refused (401 or 403), or anyone can page the catalogue and its owners out of the command side.
 */
export async function refusesWithoutToken(
  get: (path: string, o?: { anonymous?: boolean }) => Promise<Answer>,
  add: Add,
) {
  const path = "/state/shops/ids?limit=1";
  const a = await get(path, { anonymous: true });
  add("the state API refuses a call without its token", a.status === 401 || a.status === 403, {
    path,
    why: `answered ${a.status} without Authorization`,
  });
}

/**
 * Fields the contract does not name are dropped by the query side, so they cost nothing there — but
 * they left the command side: an owner's phone, email or bank account in a state answer is private
 * data on the wire. A warning (not a failure), naming each field.
 */
export function onlyContractFields(body: unknown, path: string, add: Add) {
  const shop = (body as { shop?: Record<string, unknown> } | null)?.shop;
  if (!shop || typeof shop !== "object") return;
  const extra = Object.keys(shop)
    .filter((k) => !(k in ShopAggregate.shape))
    .map((k) => `shop.${k}`);
  const owner = shop.owner;
  if (owner && typeof owner === "object")
    extra.push(
      ...Object.keys(owner)
        .filter((k) => !(k in StateOwner.shape))
        .map((k) => `shop.owner.${k}`),
    );
  add(
    "a shop answers only the contract's fields",
    extra.length === 0,
    extra.length ? { path, why: `outside the contract: ${extra.join(", ")}` } : { path },
    false,
  );
}
