import { parseEnv, SyncWorkerEnv } from "../../contract/index.ts";
import { nodeServe, runNodeEntry } from "../../contract/runtime/node.ts";
import { startSyncWorker } from "../start.ts";

await runNodeEntry(() => startSyncWorker(parseEnv(SyncWorkerEnv, process.env), nodeServe));
