import { type Context, Hono } from "hono";
import {
  CreateAd,
  CreateMenuItem,
  CreateOwner,
  CreateShop,
  Id,
  PatchAd,
  PatchMenuItem,
  PatchOwner,
  PatchShop,
  parseOr400,
} from "../../contract/index.ts";
import { readJson } from "../../runtime/index.ts";
import type { Sql } from "../db/sql.ts";
import * as items from "../domain/items.ts";
import * as shops from "../domain/shops.ts";
import type { OriginDeps } from "./deps.ts";

/**
 * Command API (docs/reference-origin.md). Each handler runs one write transaction — the change and its outbox row
 * commit together — then wakes the relay so the event leaves at once. The two commonest edits (a
 * shop's fields, a menu item's) are single statements: one round trip to the database, not four to
 * six, which is most of what a command costs the origin's CPU (bench/results/origin-profile.txt).
 */
export function commandRoutes(deps: OriginDeps): Hono {
  const app = new Hono();
  const write = async <T>(c: Context, status: 200 | 201, fn: (tx: Sql) => Promise<T>, mode?: "statement") => {
    const result = await deps.db.transaction(fn, mode);
    deps.onCommit?.();
    return c.json(result as object, status);
  };
  const id = (c: Context) => parseOr400(Id, c.req.param("id"), "path parameter id");
  const body = async <S extends Parameters<typeof parseOr400>[0]>(c: Context, schema: S) =>
    parseOr400(schema, await readJson(c), "body");

  app.post("/owners", async (c) => {
    const input = await body(c, CreateOwner);
    return write(c, 201, (tx) => shops.createOwner(tx, input));
  });
  app.patch("/owners/:id", async (c) => {
    const [ownerId, patch] = [id(c), await body(c, PatchOwner)];
    return write(c, 200, (tx) => shops.patchOwner(tx, ownerId, patch));
  });
  app.delete("/owners/:id", (c) => write(c, 200, (tx) => shops.deleteOwner(tx, id(c))));

  app.post("/shops", async (c) => {
    const input = await body(c, CreateShop);
    return write(c, 201, (tx) => shops.createShop(tx, input));
  });
  app.patch("/shops/:id", async (c) => {
    const [shopId, patch] = [id(c), await body(c, PatchShop)];
    return write(c, 200, (tx) => shops.patchShop(tx, shopId, patch), "statement");
  });
  app.delete("/shops/:id", (c) => write(c, 200, (tx) => shops.deleteShop(tx, id(c))));

  app.post("/shops/:id/menus", async (c) => {
    const [shopId, input] = [id(c), await body(c, CreateMenuItem)];
    return write(c, 201, (tx) => items.createMenuItem(tx, shopId, input));
  });
  app.patch("/menus/:id", async (c) => {
    const [menuId, patch] = [id(c), await body(c, PatchMenuItem)];
    return write(c, 200, (tx) => items.patchMenuItem(tx, menuId, patch), "statement");
  });
  app.delete("/menus/:id", (c) => write(c, 200, (tx) => items.deleteMenuItem(tx, id(c))));

  app.post("/ads", async (c) => {
    const input = await body(c, CreateAd);
    return write(c, 201, (tx) => items.createAd(tx, input));
  });
  app.patch("/ads/:id", async (c) => {
    const [adId, patch] = [id(c), await body(c, PatchAd)];
    return write(c, 200, (tx) => items.patchAd(tx, adId, patch));
  });
  app.delete("/ads/:id", (c) => write(c, 200, (tx) => items.deleteAd(tx, id(c))));
  return app;
}
