import { defineCommand } from "citty";
import { ErrorBody, SearchPage } from "../contract/index.ts";
import { CliError } from "./client.ts";

/** `edge-cache search "떡볶이" --region gangnam`: the edge's search, as a customer would get it. */
export const search = defineCommand({
  meta: {
    name: "search",
    description: "Search a region's shops at the edge (names, menus, categories; Korean-aware)",
  },
  args: {
    query: {
      type: "positional",
      description: "what to look for, e.g. 떡볶이, ㄸㅂㅇ, 교촌 치킨",
      required: true,
    },
    region: { type: "string", description: "delivery region, e.g. gangnam", required: true },
    limit: { type: "string", description: "results to show (1-50)", default: "10" },
    edge: {
      type: "string",
      description: "edge URL (or EDGE_URL)",
      default: process.env.EDGE_URL ?? "http://127.0.0.1:8787",
    },
    json: { type: "boolean", description: "print the answer as JSON" },
  },
  async run({ args }) {
    const url = new URL("/v1/search", args.edge);
    url.search = new URLSearchParams({ region: args.region, q: args.query, limit: args.limit }).toString();
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new CliError(
        `cannot reach the edge at ${args.edge} (${(error as Error).message}). Set EDGE_URL or pass --edge.`,
      );
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(body);
      throw new CliError(
        parsed.success
          ? `${parsed.data.error.code}: ${parsed.data.error.message}`
          : `the edge answered ${res.status}`,
      );
    }
    const page = SearchPage.parse(body);
    if (args.json) return console.log(JSON.stringify(page, null, 2));
    console.log(
      `${page.total} shop(s) in ${page.region} for “${page.q}”${page.total > page.shops.length ? `, first ${page.shops.length}` : ""}`,
    );
    page.shops.forEach((s, i) => {
      const menus = s.matchedMenus.length ? ` — menus: ${s.matchedMenus.join(", ")}` : "";
      console.log(
        `${String(i + 1).padStart(3)}. ${s.name} (${s.category}${s.open ? "" : ", not open"}) ★${s.rating}${menus}  [${s.id}]`,
      );
    });
  },
});
