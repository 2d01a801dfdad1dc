import { Hono } from "hono";
import { z } from "zod";
import {
  Category,
  ChangesQuery,
  Id,
  parseOr400,
  Region,
  ShopIdsQuery,
  ShopsBatchQuery,
} from "../../contract/index.ts";
import { outboxStatus } from "../domain/outbox.ts";
import * as state from "../domain/state.ts";
import type { OriginDeps } from "./deps.ts";

const ListQuery = z.object({ region: Region, category: Category }).strict();

/** State API (docs/adopting.md#the-state-api): read-only, each answer with the `seq` of its snapshot. */
export function stateRoutes(deps: OriginDeps): Hono {
  const app = new Hono();
  const db = deps.readDb ?? deps.db;
  const query = <S extends z.ZodType>(schema: S, raw: Record<string, string>) =>
    parseOr400(schema, raw, "query");

  // Registered before /shops/:id so "ids" is not taken for a shop id.
  app.get("/shops/ids", async (c) => c.json(await state.shopIds(db, query(ShopIdsQuery, c.req.query()))));
  app.get("/shops/batch", async (c) =>
    c.json(await state.shopsState(db, query(ShopsBatchQuery, c.req.query()).ids)),
  );
  app.get("/shops/:id", async (c) =>
    c.json(await state.shopState(db, parseOr400(Id, c.req.param("id"), "path parameter id"))),
  );
  app.get("/shops", async (c) => {
    const q = query(ListQuery, c.req.query());
    return c.json(await state.listState(db, q.region, q.category));
  });
  app.get("/owners/:id", async (c) =>
    c.json(await state.ownerState(db, parseOr400(Id, c.req.param("id"), "path parameter id"))),
  );
  app.get("/outbox", async (c) => c.json(await outboxStatus(db)));
  app.get("/changes", async (c) => c.json(await state.changes(db, query(ChangesQuery, c.req.query()))));
  return app;
}
