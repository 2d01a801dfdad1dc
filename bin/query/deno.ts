import { denoEnv, denoServe, runDenoEntry } from "../../runtime/deno.ts";
import { startQuery } from "./start.ts";

await runDenoEntry(() => startQuery(denoEnv(), denoServe));
