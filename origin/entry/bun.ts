import { OriginEnv, parseEnv } from "../../contract/index.ts";
import { bunServe, runBunEntry } from "../../runtime/bun.ts";
import { startOrigin } from "../start.ts";

await runBunEntry(() => startOrigin(parseEnv(OriginEnv, process.env), bunServe));
