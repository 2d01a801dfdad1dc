/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import { csrf } from "hono/csrf";
import type { JSX } from "hono/jsx/jsx-runtime";
import { secureHeaders } from "hono/secure-headers";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { AppError } from "../../contract/index.ts";
import { sameSecret } from "../../runtime/bearer.ts";
import { guard, rateLimit } from "../../runtime/index.ts";
import type { SyncDeps } from "../http/deps.ts";
import { trusted } from "../http/ingest.ts";
import { statusReport } from "../http/status.ts";
import { renderPanels } from "./panels.tsx";
import { CONSOLE_JS } from "./script.ts";
import { searchView } from "./search.tsx";
import { closeSession, hasSession, openSession } from "./session.ts";
import { CONSOLE_CSS } from "./style.ts";
import { Dashboard, LoginPage } from "./views.tsx";

const STREAM_MS = 60_000;
const LoginForm = z.object({ token: z.string().min(1).max(4096) });
const page = async (c: Context, node: JSX.Element, status: 200 | 400 | 401 = 200) =>
  c.html(`<!doctype html>${await node.toString()}`, status);

/**
 * The operator console (`/console`): a login form for ADMIN_TOKEN, one server-rendered page, and an
 * event stream that re-renders its live panels every second. Actions go through /admin.
 * `closing` ends open streams on shutdown, so the server can close without waiting on them.
 */
export function consoleRoutes(deps: SyncDeps, closing: () => boolean): Hono {
  const app = new Hono();
  const configured = deps.tokens.admin;
  if (configured === null) {
    app.all("*", guard(null, "ADMIN_TOKEN")); // no admin token: nothing to sign in with
    return app;
  }
  const token = configured;
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
  });
  // Login is the one place a guess can be made: a cross-site form is refused, guesses are slowed per
  // client address, and all clients together get 100 a minute — enough for operators who mistype,
  // at 62^32 candidates nothing for a botnet. Logout is a form too: another site may not end a session.
  app.use(
    "/login",
    csrf(),
    rateLimit({ ratePerSec: 1, burst: 10, overall: { ratePerSec: 100 / 60, burst: 100 }, ...trusted(deps) }),
  );
  app.use("/logout", csrf());

  const panels = async () => {
    if (!deps.monitor.running) await deps.monitor.refresh(); // no timers here (Workers): read now
    await deps.timeline.sample();
    return renderPanels(await statusReport(deps), await deps.timeline.series());
  };

  app.get("/", async (c) =>
    (await hasSession(c, token)) ? page(c, <Dashboard panels={await panels()} />) : page(c, <LoginPage />),
  );
  app.post("/login", async (c) => {
    const form = LoginForm.safeParse(await c.req.parseBody());
    if (!form.success) return page(c, <LoginPage error="Enter the admin token." />, 400);
    if (!sameSecret(form.data.token, token)) {
      // constant time (runtime/bearer.ts)
      deps.logger.warn("console.login_refused");
      return page(c, <LoginPage error="That token is not right." />, 401);
    }
    await openSession(c, token);
    deps.logger.info("console.login");
    return c.redirect("/console", 303);
  });
  app.post("/logout", (c) => {
    closeSession(c);
    return c.redirect("/console", 303);
  });

  app.get("/events", async (c) => {
    if (!(await hasSession(c, token))) throw new AppError("unauthorized", "sign in at /console first");
    // Each stream ends after a minute and the browser reconnects (`retry`): on Workers a request may
    // only make so many subrequests, and every tick reads the store and the origin.
    const endAt = Date.now() + STREAM_MS;
    return streamSSE(c, async (stream) => {
      for (let id = 0; !stream.aborted && !closing() && Date.now() < endAt; id++) {
        const data = JSON.stringify(await panels());
        await stream.writeSSE({
          event: "panels",
          id: String(id),
          data,
          ...(id === 0 ? { retry: 1000 } : {}),
        });
        await stream.sleep(1000);
      }
      deps.logger.debug("console.stream_ended", { aborted: stream.aborted });
    });
  });

  app.get("/search", async (c) => {
    if (!(await hasSession(c, token))) return c.redirect("/console", 303);
    return page(
      c,
      await searchView(deps.edgeUrl ?? "http://127.0.0.1:8787", c.req.query(), deps.tokens.metrics),
    );
  });

  const asset = (body: string, type: string) => (c: Context) =>
    c.body(body, 200, { "content-type": `${type}; charset=utf-8`, "cache-control": "max-age=300" });
  app.get("/assets/console.css", asset(CONSOLE_CSS, "text/css"));
  app.get("/assets/console.js", asset(CONSOLE_JS, "text/javascript"));
  return app;
}
