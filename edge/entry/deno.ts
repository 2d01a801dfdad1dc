import { EdgeEnv, parseEnv } from "../../contract/index.ts";
import { denoEnv, denoServe, runDenoEntry } from "../../contract/runtime/deno.ts";
import { startEdge } from "../start.ts";

await runDenoEntry(() => startEdge(parseEnv(EdgeEnv, denoEnv()), denoServe));
