import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The project explains itself from its own files: nothing tracked cites a document outside the
 * repository or a tracker's issue numbers, and nothing reads like a lab notebook (work sessions,
 * numbered runs). History lives in git; reasons live in docs/ and docs/decisions/.
 */
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && f !== "package-lock.json" && !/\.(png|jpg|ico|wasm|tar|gz)$/.test(f));

// The names of the planning documents this repository once cited, spelt out of parts so that the
// rule itself does not name them in the tree.
const OUTSIDE = new RegExp(`\\b${["BR", "IEF"].join("")}\\b|${["SCA", "LE"].join("")}\\.md`);

const RULES: [string, RegExp][] = [
  ["a planning document outside the repository", OUTSIDE],
  ["an issue number", /\bissue ?#?\d|\(#\d+\)|(?:^|[\s(])#\d{1,3}\b(?![\w-])/i],
  ["a work session", /\bsession \d/i],
  ["a numbered run", /\bruns? \d+\b|-run\d/i],
];

describe("every tracked file is self-contained", () => {
  it("cites no outside document, issue number, work session or numbered run", () => {
    const found: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // a deleted file still in the index
      }
      text.split("\n").forEach((line, i) => {
        for (const [what, pattern] of RULES) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}`);
      });
    }
    expect(found).toEqual([]);
  });
});
