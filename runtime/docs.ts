import type { Hono } from "hono";

/** Reads a swagger-ui-dist file on runtimes that have a file system; null where none (Workers). */
export type AssetLoader = (file: string) => Promise<Uint8Array<ArrayBuffer> | null>;

export const DOC_ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const page = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — API reference</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui", deepLinking: true });</script>
</body></html>`;

/**
 * `/openapi.json` everywhere, and a self-hosted reference page at `/docs` (Swagger UI from
 * swagger-ui-dist, no CDN: we run offline) where the runtime can read its files.
 */
export function mountDocs(app: Hono, title: string, spec: () => object, assets?: AssetLoader): void {
  let cached: string | null = null;
  app.get("/openapi.json", (c) => {
    cached ??= JSON.stringify(spec());
    return c.body(cached, 200, { "content-type": "application/json; charset=utf-8" });
  });
  if (!assets) return;
  app.get("/docs", (c) => c.html(page(title)));
  app.get("/docs/:file", async (c) => {
    const file = c.req.param("file");
    // Own keys only: `constructor` or `toString` are not files (an inherited lookup answered 500).
    const type = Object.hasOwn(DOC_ASSETS, file) ? DOC_ASSETS[file] : undefined;
    const bytes = type ? await assets(file) : null;
    if (!type || !bytes) return c.notFound();
    return new Response(bytes, {
      headers: { "content-type": type, "cache-control": "public, max-age=86400" },
    });
  });
}
