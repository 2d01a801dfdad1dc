import { denoEnv, denoServe, runDenoEntry } from "../../contract/runtime/deno.ts";
import { startQuery } from "./start.ts";

await runDenoEntry(() => startQuery(denoEnv(), denoServe));
