import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { inCI } from "./servers.ts";

const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = resolve(import.meta.dirname, "..", "test-artifacts");

/**
 * Debian's Chromium for browser tests (`.ci/run` installs it). Missing outside CI: the caller's
 * suite is skipped, loudly; missing in CI: the run fails.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium is not at ${CHROMIUM}: ${what} is SKIPPED (apt-get install chromium)`;
  if (inCI()) throw new Error(`${message}; CI must run it`);
  console.warn(`\n⚠️  ${message}\n`);
  return false;
}

/** Headless, and quiet on a machine without network: no updates, no first-run, no GPU. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

export const artifact = (name: string) => resolve(ARTIFACTS, name);
