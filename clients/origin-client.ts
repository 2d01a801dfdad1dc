import type { z } from "zod";
import type { Category } from "../contract/domain.ts";
import { AppError } from "../contract/errors.ts";
import {
  ChangesResponse,
  OutboxStatusResponse,
  OwnerStateResponse,
  ShopIdsResponse,
  ShopListStateResponse,
  ShopStateResponse,
  ShopsStateResponse,
} from "../contract/state.ts";

/**
 * The query side's view of the state API: the `OriginClient` port, and its HTTP adapter.
 * Every answer is parsed with the contract, so a misbehaving origin is an error here rather than a
 * bad document later. Policies (timeouts, retries, breaker) wrap it in each service.
 */
export interface OriginClient {
  shop(id: string, signal?: AbortSignal): Promise<ShopStateResponse | null>;
  /** Many shops in one call (≤ MAX_STATE_BATCH); null when the origin does not offer it (optional). */
  shops(ids: readonly string[], signal?: AbortSignal): Promise<ShopsStateResponse | null>;
  list(region: string, category: Category, signal?: AbortSignal): Promise<ShopListStateResponse>;
  owner(id: string, signal?: AbortSignal): Promise<OwnerStateResponse | null>;
  changes(
    q: { after?: number; since?: string; limit?: number },
    signal?: AbortSignal,
  ): Promise<ChangesResponse>;
  shopIds(q: { after?: string; limit?: number }, signal?: AbortSignal): Promise<ShopIdsResponse>;
  /** The outbox backlog; null when the origin does not offer it (the endpoint is optional). */
  outbox(signal?: AbortSignal): Promise<OutboxStatusResponse | null>;
}

/** Raised for answers worth retrying (network failure, 5xx, 429); 4xx other than those are final. */
export class OriginError extends Error {
  override name = "OriginError";
  constructor(
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `token` is STATE_TOKEN, sent as `Authorization: Bearer` with every call (the state API is closed
 * to anyone else); `fetch` replaces the global one (tests reach an app without TCP).
 */
export function httpOriginClient(
  baseUrl: string,
  o: { token: string | null; fetch?: typeof fetch },
): OriginClient {
  const fetchImpl = o.fetch ?? fetch;
  const headers: Record<string, string> = { accept: "application/json" };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  async function get<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal, allow404 = false) {
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, baseUrl), {
        headers,
        signal: signal ?? null,
      });
    } catch (error) {
      throw new OriginError(`origin unreachable: ${(error as Error).message}`, null, true, { cause: error });
    }
    if (response.status === 404 && allow404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const transient = response.status >= 500 || response.status === 429 || response.status === 408;
      throw new OriginError(`origin answered ${response.status} for ${path}`, response.status, transient);
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      throw new AppError("internal", `origin answer for ${path} breaks the contract`, {
        cause: parsed.error,
      });
    }
    return parsed.data as z.infer<S>;
  }
  const qs = (q: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    return params.size ? `?${params}` : "";
  };
  const id = encodeURIComponent;
  return {
    shop: (shopId, signal) => get(`/state/shops/${id(shopId)}`, ShopStateResponse, signal, true),
    // An origin without the batch read answers 404 (or takes "batch" for a shop id: 404 too).
    shops: (shopIds, signal) =>
      get(`/state/shops/batch${qs({ ids: shopIds.join(",") })}`, ShopsStateResponse, signal, true),
    list: async (region, category, signal) =>
      (await get(
        `/state/shops${qs({ region, category })}`,
        ShopListStateResponse,
        signal,
      )) as ShopListStateResponse,
    owner: (ownerId, signal) => get(`/state/owners/${id(ownerId)}`, OwnerStateResponse, signal, true),
    changes: async (q, signal) =>
      (await get(`/state/changes${qs(q)}`, ChangesResponse, signal)) as ChangesResponse,
    shopIds: async (q, signal) =>
      (await get(`/state/shops/ids${qs(q)}`, ShopIdsResponse, signal)) as ShopIdsResponse,
    outbox: (signal) => get("/state/outbox", OutboxStatusResponse, signal, true),
  };
}
