import { parseEnv, SyncWorkerEnv } from "../../contract/index.ts";
import { boundHeapGrowth, nodeServe, runNodeEntry } from "../../runtime/node.ts";
import { startSyncWorker } from "../start.ts";

await runNodeEntry(() => {
  boundHeapGrowth(process.env); // it may hold the store in memory
  return startSyncWorker(parseEnv(SyncWorkerEnv, process.env), nodeServe);
});
