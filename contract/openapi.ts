import { z } from "zod";
import { AuditBody, Job, PurgeBody, ReplayBody, ResyncBody } from "./admin.ts";
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
import { ChangeEvent, EventBatch, IngestAccepted } from "./events.ts";
import { document, type Param } from "./openapi-build.ts";
import { SearchPage } from "./search.ts";
import {
  ChangesResponse,
  OutboxStatusResponse,
  OwnerStateResponse,
  ShopIdsResponse,
  ShopListStateResponse,
  ShopStateResponse,
  ShopsStateResponse,
} from "./state.ts";

/** The paths of each service's OpenAPI document; statuses and headers common to a kind of operation
 * are added by the builder (contract/openapi-build.ts). */
const id: Param = { name: "id", in: "path", schema: z.string() };

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
          document: true,
          errors: [404],
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
              description:
                "the `next` of the previous page. It names the list version that page was cut from: while the edge holds that version (EDGE_CURSOR_RETAIN_S, 10 min) the next page comes from it (no shop twice, none skipped); after that it starts after the last shop shown (keyset)",
            },
          ],
          ok: [200, ShopListPage, "one page"],
          document: true,
          errors: [404],
        },
      },
      "/v1/search": {
        get: {
          summary:
            "Shops of a region matching a query by name, menu or category; Korean-aware (spacing, substrings, initial consonants like ㄸㅂㅇ, one typo in three syllables or more)",
          params: [
            { name: "region", in: "query", required: true, schema: Region },
            { name: "q", in: "query", required: true, schema: z.string().max(100) },
            { name: "limit", in: "query", schema: z.number().int().min(1).max(50) },
            {
              name: "cursor",
              in: "query",
              schema: z.string(),
              description: "the `next` of the previous page",
            },
          ],
          ok: [
            200,
            SearchPage,
            "one page of results: list cards, open or not, and the menus matched; `partial` when the typo pass stopped at the query's work budget",
          ],
          document: true,
          errors: [404],
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
              description:
                "read-your-writes: never an older version silently — a version the origin does not have yet answers the newest copy with X-Cache: BEHIND",
            },
            { name: "If-None-Match", in: "header", schema: z.string() },
          ],
          ok: [200, DetailDocument, "detail document (304 when If-None-Match matches)"],
          document: true,
          errors: [404],
        },
      },
    },
  );

export const syncOpenApi = () =>
  document("edge-cache sync-worker", "Event ingest for origin teams, and the admin API for operators.", {
    "/events": {
      post: {
        summary: "Queue zero-payload events: one, or {events:[...]}",
        auth: "events",
        rateLimited: true,
        body: z.union([ChangeEvent, EventBatch]),
        ok: [202, IngestAccepted, "queued"],
        errors: [400, 401, 413, 415],
      },
    },
    "/admin/purge": {
      post: {
        summary: "Purge documents by shop id, key, or all",
        auth: "admin",
        rateLimited: true,
        body: PurgeBody,
        ok: [200, z.object({ purged: z.number() }), "purged"],
        errors: [400, 401],
      },
    },
    "/admin/resync": {
      post: {
        summary: "Start a resync job: shop ids, since a time or duration, or all",
        auth: "admin",
        rateLimited: true,
        body: ResyncBody,
        ok: [202, Job, "job started"],
        errors: [400, 401],
      },
    },
    "/admin/jobs/{id}": {
      get: {
        summary: "A job's progress",
        auth: "admin",
        rateLimited: true,
        params: [id],
        ok: [200, Job, "job"],
        errors: [401, 404],
      },
    },
    "/admin/dlq": {
      get: {
        summary: "Dead letters, oldest failure first",
        auth: "admin",
        rateLimited: true,
        params: [{ name: "limit", in: "query", schema: z.number().int() }],
        ok: [200, null, "dead letters"],
        errors: [400, 401],
      },
    },
    "/admin/dlq/replay": {
      post: {
        summary: "Queue dead letters again",
        auth: "admin",
        rateLimited: true,
        body: ReplayBody,
        ok: [200, null, "replayed"],
        errors: [400, 401],
      },
    },
    "/admin/catch-up": {
      post: {
        summary: "Run a change-feed catch-up now",
        auth: "admin",
        rateLimited: true,
        ok: [200, null, "report"],
        errors: [401],
      },
    },
    "/admin/jobs": {
      get: {
        summary: "Resync jobs, newest first (this process's and the store's)",
        auth: "admin",
        rateLimited: true,
        ok: [200, z.object({ jobs: z.array(Job) }), "jobs"],
      },
    },
    "/admin/audit": {
      post: {
        summary: "Compare a sample of stored details with the origin's state and repair the stale ones",
        auth: "admin",
        rateLimited: true,
        body: AuditBody,
        ok: [200, null, "audit report"],
      },
    },
    "/admin/status": {
      get: {
        summary:
          "Queue (ready, in flight, scheduled), live lag, repair work, breaker, catch-up, dead letters, documents",
        auth: "admin",
        rateLimited: true,
        ok: [200, null, "status"],
        errors: [401],
      },
    },
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
          auth: "state",
          summary: "Full state of a shop (tombstone when deleted)",
          params: [id],
          ok: [200, ShopStateResponse, "state"],
          errors: [400, 404],
        },
      },
      "/state/shops": {
        get: {
          auth: "state",
          summary: "List source of a (region, category)",
          params: [
            { name: "region", in: "query", required: true, schema: Region },
            { name: "category", in: "query", required: true, schema: Category },
          ],
          ok: [200, ShopListStateResponse, "shops"],
        },
      },
      "/state/shops/batch": {
        get: {
          auth: "state",
          summary:
            "Many shops in one read, from one snapshot (optional: without it the query side reads shop by shop)",
          params: [
            {
              name: "ids",
              in: "query",
              required: true,
              schema: z.string(),
              description: "comma-separated shop ids, at most 200",
            },
          ],
          ok: [200, ShopsStateResponse, "the shops found (tombstones included), and the ids not known"],
        },
      },
      "/state/shops/ids": {
        get: {
          auth: "state",
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
          auth: "state",
          summary: "An owner and their shops",
          params: [id],
          ok: [200, OwnerStateResponse, "owner"],
          errors: [404],
        },
      },
      "/state/outbox": {
        get: {
          auth: "state",
          summary: "Outbox backlog (optional; the console shows it)",
          ok: [200, OutboxStatusResponse, "outbox"],
        },
      },
      "/state/changes": {
        get: {
          auth: "state",
          summary: "Change feed after a seq, or since a time",
          params: [
            { name: "after", in: "query", schema: z.number().int() },
            { name: "since", in: "query", schema: z.string() },
            { name: "limit", in: "query", schema: z.number().int() },
          ],
          ok: [200, ChangesResponse, "changes"],
        },
      },
    },
  );
