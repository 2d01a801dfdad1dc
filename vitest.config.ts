import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".data/**"],
    globalSetup: ["tests/global-setup.ts"],
    // PGlite instances are heavy (WASM Postgres); forks keep each file's memory separate.
    pool: "forks",
    // Most files spend their time waiting on servers and child processes, not on a core: two files
    // at once even on two cores (vitest's default there is one). Nothing in the suite depends on
    // being alone: ports are free ones, keys and databases are per test.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
