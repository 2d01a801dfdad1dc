import { nodeServe, runNodeEntry } from "../../contract/runtime/node.ts";
import { startQuery } from "./start.ts";

await runNodeEntry(() => startQuery(process.env, nodeServe));
