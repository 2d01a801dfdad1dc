import { afterEach, beforeEach } from "vitest";
import type { CreateOwner, CreateShop } from "../../contract/index.ts";
import { DEV_TOKENS } from "../../contract/tokens.ts";
import { createLogger } from "../../runtime/index.ts";
import type { Database } from "../db/sql.ts";
import { createOriginApp } from "../http/app.ts";

export const silent = createLogger("test", "silent");

export const ownerInput: CreateOwner = {
  name: "김민준",
  businessName: "원조치킨 주식회사",
  businessNumber: "123-45-67890",
  phone: "010-1234-5678",
  email: "owner@example.com",
  bankAccount: "KB 123-456789-01234",
};

export const shopInput = (ownerId: string, over: Partial<CreateShop> = {}) => ({
  ownerId,
  name: "원조 치킨 강남점 🍗",
  category: "chicken",
  regions: ["gangnam", "seocho"],
  address: "서울시 강남구 1-2",
  phone: "02-123-4567",
  minOrder: 15000,
  deliveryFee: 2000,
  openHours: "11:00-23:00",
  ...over,
});

/** The origin app over a given database, driven through HTTP exactly as a client would. */
export function originClient(db: Database) {
  const app = createOriginApp({ db, logger: silent, stateToken: DEV_TOKENS.STATE_TOKEN });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    // The state API's reads carry the query side's token, as its services' do.
    const auth: Record<string, string> = path.startsWith("/state/")
      ? { authorization: `Bearer ${DEV_TOKENS.STATE_TOKEN}` }
      : {};
    const init: RequestInit = { method, headers: { ...auth, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await app.request(path, init);
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json, text };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await call(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
    return res.json;
  };
  return { app, call, ok };
}

/**
 * A fresh database and client per test for one engine: `const t = useOrigin(engine)` then
 * `t.db` / `t.api` inside tests. Cleanups registered with `t.defer` run before the database closes.
 */
export function useOrigin(engine: { open(): Promise<Database> }) {
  const state = {} as { db: Database; api: ReturnType<typeof originClient> };
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(async () => {
    state.db = await engine.open();
    state.api = originClient(state.db);
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    await state.db.close();
  });
  return {
    get db() {
      return state.db;
    },
    get api() {
      return state.api;
    },
    defer: (fn: () => Promise<unknown>) => cleanups.push(fn),
  };
}
