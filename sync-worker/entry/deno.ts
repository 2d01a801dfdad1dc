import { parseEnv, SyncWorkerEnv } from "../../contract/index.ts";
import { denoEnv, denoServe, runDenoEntry } from "../../runtime/deno.ts";
import { startSyncWorker } from "../start.ts";

await runDenoEntry(() => startSyncWorker(parseEnv(SyncWorkerEnv, denoEnv()), denoServe));
