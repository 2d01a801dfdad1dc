#!/usr/bin/env node
// The `edge-cache` executable: loads TypeScript through tsx, then runs the CLI.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
