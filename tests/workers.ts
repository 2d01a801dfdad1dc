/** Tests bundle Workers entries with the store's bundler: one way to build what wrangler ships. */
export { bundleWorker } from "../store/kv/workerd-kv.ts";
