import { OriginEnv, parseEnv } from "../../contract/index.ts";
import { nodeServe, runNodeEntry } from "../../runtime/node.ts";
import { startOrigin } from "../start.ts";

await runNodeEntry(() => startOrigin(parseEnv(OriginEnv, process.env), nodeServe));
