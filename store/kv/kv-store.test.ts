import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe } from "vitest";
import { listStoreSuite } from "../suites/list-suite.ts";
import { recordStoreSuite } from "../suites/records-suite.ts";
import { servedStoreSuite } from "../suites/served-suite.ts";
import { createKvStore } from "./kv-store.ts";

/**
 * Workers KV inside workerd, through Miniflare. Miniflare's local KV is immediately consistent and
 * so hides KV's real ~60 s cross-location propagation (docs/deployment.md): these cases prove the adapter's
 * logic, not KV's freshness. The concurrent-writers case is left out by design: KV has no
 * compare-and-set, and the sync-worker keeps one writer per key (see kv.ts).
 */
describe("Workers KV adapter (workerd via Miniflare)", () => {
  let mf: Miniflare;
  let kv: KVNamespace;
  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      script: "export default { fetch() { return new Response('ok') } }",
      kvNamespaces: ["DOCS"],
      cf: false,
      host: "127.0.0.1",
    });
    kv = (await mf.getKVNamespace("DOCS")) as unknown as KVNamespace;
  }, 60_000);
  afterAll(() => mf?.dispose());

  let n = 0;
  servedStoreSuite("kv", async () => ({ store: createKvStore(kv, { prefix: `t${++n}` }) }), {
    atomicGuard: false,
  });
  recordStoreSuite("kv", async () => ({ store: createKvStore(kv, { prefix: `t${++n}` }) }));
  // One writer per list on KV (see kv-lists.ts): no concurrent-writers case.
  listStoreSuite("kv", async () => ({ store: createKvStore(kv, { prefix: `t${++n}` }) }), { atomic: false });
});
