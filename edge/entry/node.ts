import { EdgeEnv, parseEnv } from "../../contract/index.ts";
import { nodeServe, runNodeEntry } from "../../contract/runtime/node.ts";
import { startEdge } from "../start.ts";

await runNodeEntry(() => startEdge(parseEnv(EdgeEnv, process.env), nodeServe));
