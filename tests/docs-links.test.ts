import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";

/**
 * Every relative link in the README and the docs resolves: the file exists and, where the link
 * names a heading, the heading does (anchors as GitHub makes them). External links are not
 * fetched (CI has no internet).
 */
const pages = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && !f.startsWith("bench/results/") && !f.includes("node_modules/"));

const anchorsOf = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  let set = anchorsOf.get(file);
  if (!set) {
    const slugger = new GithubSlugger();
    const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
    set = new Set([...text.matchAll(/^#{1,6} +(.+?) *#*$/gm)].map((m) => slugger.slug(m[1] as string)));
    anchorsOf.set(file, set);
  }
  return set;
}

function brokenLinks(page: string): string[] {
  const text = readFileSync(page, "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "");
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, mailto: …
    const [path, anchor] = target.split("#") as [string, string | undefined];
    const file = path ? join(dirname(page), decodeURIComponent(path)) : page;
    if (!existsSync(file)) broken.push(`${target} (no such file)`);
    else if (anchor && statSync(file).isFile() && file.endsWith(".md") && !anchors(file).has(anchor))
      broken.push(`${target} (no such heading)`);
  }
  return broken;
}

describe("links in the README and docs/", () => {
  it("finds the pages", () => {
    expect(pages).toContain("README.md");
    expect(pages.filter((p) => p.startsWith("docs/")).length).toBeGreaterThanOrEqual(10);
  });
  it("README fits on a few screens, shows the two commands and the picture early, and links every guide", () => {
    const readme = readFileSync("README.md", "utf8");
    const lines = readme.split("\n");
    expect(lines.length).toBeLessThanOrEqual(250);
    const head = lines.slice(0, 60).join("\n");
    expect(head).toContain("npm install && npm start");
    expect(head).toContain("npm test");
    expect(head).toMatch(/ORIGIN[\s\S]*SYNC-WORKER[\s\S]*EDGE/); // the picture
    const guides = pages.filter((p) => /^docs\/[^/]+\.md$/.test(p));
    expect(guides.filter((g) => !readme.includes(`](${g})`) && !readme.includes(`](${g}#`))).toEqual([]);
    expect(readme).toContain("](docs/decisions/README.md)");
  });
  for (const page of pages)
    it(`${page}: every relative link resolves`, () => {
      expect(brokenLinks(page)).toEqual([]);
    });
});
