import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".data/**"],
    globalSetup: ["tests/global-setup.ts"],
    // PGlite instances are heavy (WASM Postgres); forks keep each file's memory separate.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
