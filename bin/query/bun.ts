import { bunServe, runBunEntry } from "../../contract/runtime/bun.ts";
import { startQuery } from "./start.ts";

await runBunEntry(() => startQuery(process.env, bunServe));
