import { z } from "zod";
import { Job, PurgeBody, ReplayBody, ResyncBody } from "./admin.ts";
import {
  AdResult,
  CreateAd,
  CreateMenuItem,
  CreateOwner,
  CreateShop,
  DeletedResult,
  MenuItemResult,
  OwnerResult,
  PatchAd,
  PatchMenuItem,
  PatchOwner,
  PatchShop,
  ShopResult,
} from "./commands.ts";
import { DetailDocument, MainDoc, ShopListPage } from "./documents.ts";
import { Category, Region } from "./domain.ts";
import { ErrorBody } from "./errors.ts";
import { ChangeEvent, EventBatch, IngestAccepted } from "./events.ts";
import {
  ChangesResponse,
  OutboxStatusResponse,
  OwnerStateResponse,
  ShopIdsResponse,
  ShopListStateResponse,
  ShopStateResponse,
} from "./state.ts";

/**
 * OpenAPI 3.1 documents generated from the zod contract: OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which `z.toJSONSchema` emits, so every body is described by the same schema that
 * validates it. The paths are listed here once per service.
 */
type Param = {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  schema: z.ZodType;
  description?: string;
};
type Op = {
  summary: string;
  params?: Param[];
  body?: z.ZodType;
  ok: [number, z.ZodType | null, string];
  errors?: number[];
  auth?: "events" | "admin";
};

const json = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" });
const content = (schema: z.ZodType) => ({ "application/json": { schema: json(schema) } });

function operation(op: Op) {
  const responses: Record<string, unknown> = {
    [op.ok[0]]: { description: op.ok[2], ...(op.ok[1] ? { content: content(op.ok[1]) } : {}) },
  };
  for (const code of op.errors ?? [400])
    responses[code] = { description: "error", content: content(ErrorBody) };
  return {
    summary: op.summary,
    ...(op.auth ? { security: [{ [op.auth === "admin" ? "adminToken" : "eventsToken"]: [] }] } : {}),
    parameters: (op.params ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.in === "path" || !!p.required,
      schema: json(p.schema),
      ...(p.description ? { description: p.description } : {}),
    })),
    ...(op.body ? { requestBody: { required: true, content: content(op.body) } } : {}),
    responses,
  };
}

function document(title: string, description: string, paths: Record<string, Record<string, Op>>) {
  return {
    openapi: "3.1.0",
    info: { title, version: "0.1.0", description },
    paths: Object.fromEntries(
      Object.entries(paths).map(([path, ops]) => [
        path,
        Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)])),
      ]),
    ),
    components: {
      securitySchemes: {
        adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" },
        eventsToken: { type: "http", scheme: "bearer", description: "EVENTS_TOKEN" },
      },
    },
  };
}

const id: Param = { name: "id", in: "path", schema: z.string() };
const health = { get: { summary: "Readiness", ok: [200, null, "ready"] as Op["ok"], errors: [] } };

export const edgeOpenApi = () =>
  document(
    "edge-cache edge read API",
    "Main, shop list and shop detail documents. Answers carry ETag, Cache-Control, Age, X-Cache and X-Doc-Version.",
    {
      "/v1/main": {
        get: {
          summary: "Home: categories with open-shop counts and featured shops of a region",
          params: [{ name: "region", in: "query", required: true, schema: Region }],
          ok: [200, MainDoc, "main document"],
          errors: [400, 503],
        },
      },
      "/v1/shops": {
        get: {
          summary: "Shop list of a (region, category), ads first; paged with opaque cursors",
          params: [
            { name: "region", in: "query", required: true, schema: Region },
            { name: "category", in: "query", required: true, schema: Category },
            { name: "limit", in: "query", schema: z.number().int().min(1).max(100) },
            {
              name: "cursor",
              in: "query",
              schema: z.string(),
              description: "the `next` of the previous page",
            },
          ],
          ok: [200, ShopListPage, "one page"],
          errors: [400, 503],
        },
      },
      "/v1/shops/{id}": {
        get: {
          summary: "Shop detail",
          params: [
            id,
            {
              name: "X-Min-Version",
              in: "header",
              schema: z.string(),
              description: "read-your-writes: never an older version",
            },
            { name: "If-None-Match", in: "header", schema: z.string() },
          ],
          ok: [200, DetailDocument, "detail document (304 when If-None-Match matches)"],
          errors: [400, 404, 503],
        },
      },
      "/healthz": health,
    },
  );

export const syncOpenApi = () =>
  document("edge-cache sync-worker", "Event ingest for origin teams, and the admin API for operators.", {
    "/events": {
      post: {
        summary: "Queue zero-payload events: one, or {events:[...]}",
        auth: "events",
        body: z.union([ChangeEvent, EventBatch]),
        ok: [202, IngestAccepted, "queued"],
        errors: [400, 401, 413, 415],
      },
    },
    "/admin/purge": {
      post: {
        summary: "Purge documents by shop id, key, or all",
        auth: "admin",
        body: PurgeBody,
        ok: [200, z.object({ purged: z.number() }), "purged"],
        errors: [400, 401],
      },
    },
    "/admin/resync": {
      post: {
        summary: "Start a resync job: shop ids, since a time or duration, or all",
        auth: "admin",
        body: ResyncBody,
        ok: [202, Job, "job started"],
        errors: [400, 401],
      },
    },
    "/admin/jobs/{id}": {
      get: {
        summary: "A job's progress",
        auth: "admin",
        params: [id],
        ok: [200, Job, "job"],
        errors: [401, 404],
      },
    },
    "/admin/dlq": {
      get: {
        summary: "Dead letters, oldest failure first",
        auth: "admin",
        params: [{ name: "limit", in: "query", schema: z.number().int() }],
        ok: [200, null, "dead letters"],
        errors: [400, 401],
      },
    },
    "/admin/dlq/replay": {
      post: {
        summary: "Queue dead letters again",
        auth: "admin",
        body: ReplayBody,
        ok: [200, null, "replayed"],
        errors: [400, 401],
      },
    },
    "/admin/catch-up": {
      post: {
        summary: "Run a change-feed catch-up now",
        auth: "admin",
        ok: [200, null, "report"],
        errors: [401],
      },
    },
    "/admin/status": {
      get: {
        summary: "Queue depth, lag, breaker, catch-up, dead letters, documents",
        auth: "admin",
        ok: [200, null, "status"],
        errors: [401],
      },
    },
    "/healthz": health,
  });

export const originOpenApi = () =>
  document(
    "edge-cache reference origin",
    "The command side: command API, and the state API the query side reads.",
    {
      "/owners": {
        post: { summary: "Create an owner", body: CreateOwner, ok: [201, OwnerResult, "created"] },
      },
      "/owners/{id}": {
        patch: {
          summary: "Change an owner",
          params: [id],
          body: PatchOwner,
          ok: [200, OwnerResult, "changed"],
          errors: [400, 404],
        },
        delete: {
          summary: "Delete an owner without shops",
          params: [id],
          ok: [200, DeletedResult, "deleted"],
          errors: [404, 409],
        },
      },
      "/shops": {
        post: {
          summary: "Create a shop",
          body: CreateShop,
          ok: [201, ShopResult, "created"],
          errors: [400, 404],
        },
      },
      "/shops/{id}": {
        patch: {
          summary: "Change a shop",
          params: [id],
          body: PatchShop,
          ok: [200, ShopResult, "changed"],
          errors: [400, 404],
        },
        delete: {
          summary: "Delete a shop (tombstone)",
          params: [id],
          ok: [200, DeletedResult, "deleted"],
          errors: [404],
        },
      },
      "/shops/{id}/menus": {
        post: {
          summary: "Add a menu item",
          params: [id],
          body: CreateMenuItem,
          ok: [201, MenuItemResult, "created"],
          errors: [400, 404],
        },
      },
      "/menus/{id}": {
        patch: {
          summary: "Change a menu item",
          params: [id],
          body: PatchMenuItem,
          ok: [200, MenuItemResult, "changed"],
          errors: [400, 404],
        },
        delete: {
          summary: "Delete a menu item",
          params: [id],
          ok: [200, DeletedResult, "deleted"],
          errors: [404],
        },
      },
      "/ads": {
        post: { summary: "Create an ad", body: CreateAd, ok: [201, AdResult, "created"], errors: [400, 404] },
      },
      "/ads/{id}": {
        patch: {
          summary: "Change an ad",
          params: [id],
          body: PatchAd,
          ok: [200, AdResult, "changed"],
          errors: [400, 404],
        },
        delete: { summary: "Delete an ad", params: [id], ok: [200, DeletedResult, "deleted"], errors: [404] },
      },
      "/state/shops/{id}": {
        get: {
          summary: "Full state of a shop (tombstone when deleted)",
          params: [id],
          ok: [200, ShopStateResponse, "state"],
          errors: [400, 404],
        },
      },
      "/state/shops": {
        get: {
          summary: "List source of a (region, category)",
          params: [
            { name: "region", in: "query", required: true, schema: Region },
            { name: "category", in: "query", required: true, schema: Category },
          ],
          ok: [200, ShopListStateResponse, "shops"],
        },
      },
      "/state/shops/ids": {
        get: {
          summary: "Shop ids for a full resync",
          params: [
            { name: "after", in: "query", schema: z.string() },
            { name: "limit", in: "query", schema: z.number().int() },
          ],
          ok: [200, ShopIdsResponse, "ids"],
        },
      },
      "/state/owners/{id}": {
        get: {
          summary: "An owner and their shops",
          params: [id],
          ok: [200, OwnerStateResponse, "owner"],
          errors: [404],
        },
      },
      "/state/outbox": {
        get: {
          summary: "Outbox backlog (optional; the console shows it)",
          ok: [200, OutboxStatusResponse, "outbox"],
        },
      },
      "/state/changes": {
        get: {
          summary: "Change feed after a seq, or since a time",
          params: [
            { name: "after", in: "query", schema: z.number().int() },
            { name: "since", in: "query", schema: z.string() },
            { name: "limit", in: "query", schema: z.number().int() },
          ],
          ok: [200, ChangesResponse, "changes"],
        },
      },
      "/healthz": health,
    },
  );
