import { parseEnv, SyncWorkerEnv } from "../../contract/index.ts";
import { denoEnv, denoServe, runDenoEntry } from "../../contract/runtime/deno.ts";
import { startSyncWorker } from "../start.ts";

await runDenoEntry(() => startSyncWorker(parseEnv(SyncWorkerEnv, denoEnv()), denoServe));
