import { OriginEnv, parseEnv } from "../../contract/index.ts";
import { bunServe, runBunEntry } from "../../contract/runtime/bun.ts";
import { startOrigin } from "../start.ts";

await runBunEntry(() => startOrigin(parseEnv(OriginEnv, process.env), bunServe));
