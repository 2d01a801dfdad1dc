import { EdgeEnv, parseEnv } from "../../contract/index.ts";
import { bunServe, runBunEntry } from "../../contract/runtime/bun.ts";
import { startEdge } from "../start.ts";

await runBunEntry(() => startEdge(parseEnv(EdgeEnv, process.env), bunServe));
