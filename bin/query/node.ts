import { boundHeapGrowth, nodeServe, runNodeEntry } from "../../runtime/node.ts";
import { startQuery } from "./start.ts";

await runNodeEntry(() => {
  boundHeapGrowth(process.env); // the memory store lives in this process
  return startQuery(process.env, nodeServe);
});
