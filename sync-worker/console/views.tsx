/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Actions, Dlq } from "./actions.tsx";

/** No external fonts, scripts or styles: everything is served from /console/assets (we run offline). */
export const Page = (p: { title: string; children: Child }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{p.title}</title>
      <link rel="stylesheet" href="/console/assets/console.css" />
    </head>
    <body>{p.children}</body>
  </html>
);

export const LoginPage = (p: { error?: string }) => (
  <Page title="Sign in · edge-cache console">
    <main class="login">
      <h1>edge-cache console</h1>
      <form method="post" action="/console/login">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        {p.error ? (
          <p role="alert" class="error" id="login-error">
            {p.error}
          </p>
        ) : null}
        <button type="submit">Sign in</button>
      </form>
      <p class="note">The token is ADMIN_TOKEN of this sync-worker. It is sent once and kept in no URL.</p>
    </main>
  </Page>
);

export const Dashboard = (p: { panels: Record<string, string> }) => {
  // Panels arrive as HTML that panels.tsx rendered, with every value escaped by JSX.
  const Live = (q: { id: string; title: string }) => (
    <section aria-labelledby={`${q.id}-title`}>
      <h2 id={`${q.id}-title`}>{q.title}</h2>
      <div id={q.id} dangerouslySetInnerHTML={{ __html: p.panels[q.id] ?? "" }} />
    </section>
  );
  return (
    <Page title="edge-cache console">
      <header>
        <h1>edge-cache console</h1>
        <span id="live" class="note">
          static
        </span>
        <form method="post" action="/console/logout">
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main class="grid">
        <Live id="panel-sync" title="Sync" />
        <Live id="panel-lag" title="Live lag, last 15 minutes" />
        <Live id="panel-rate" title="Events and repair work per second, last 15 minutes" />
        <Live id="panel-breaker" title="Origin circuit breaker" />
        <Live id="panel-jobs" title="Resync jobs" />
        <Actions />
        <section aria-labelledby="search-title">
          <h2 id="search-title">Search</h2>
          <form method="get" action="/console/search" class="search">
            <label for="search-region">Region</label>
            <input id="search-region" name="region" value="gangnam" required />
            <label for="search-q">Query</label>
            <input id="search-q" name="q" placeholder="떡볶이, ㄸㅂㅇ" required />
            <button type="submit">Search at the edge</button>
          </form>
        </section>
        <Dlq />
      </main>
      <script src="/console/assets/console.js" defer />
    </Page>
  );
};
