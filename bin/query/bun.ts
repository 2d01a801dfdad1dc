import { bunServe, runBunEntry } from "../../runtime/bun.ts";
import { startQuery } from "./start.ts";

await runBunEntry(() => startQuery(process.env, bunServe));
