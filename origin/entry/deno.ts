import { OriginEnv, parseEnv } from "../../contract/index.ts";
import { denoEnv, denoServe, runDenoEntry } from "../../runtime/deno.ts";
import { startOrigin } from "../start.ts";

await runDenoEntry(() => startOrigin(parseEnv(OriginEnv, denoEnv()), denoServe));
