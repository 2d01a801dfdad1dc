import { parseEnv, SyncWorkerEnv } from "../../contract/index.ts";
import { bunServe, runBunEntry } from "../../runtime/bun.ts";
import { startSyncWorker } from "../start.ts";

await runBunEntry(() => startSyncWorker(parseEnv(SyncWorkerEnv, process.env), bunServe));
