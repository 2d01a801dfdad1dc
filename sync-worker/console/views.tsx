/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

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

const Scope = (p: { name: string; options: [string, string][] }) => (
  <div class="scope" role="radiogroup">
    {p.options.map(([value, label], i) => (
      <label>
        <input type="radio" name={p.name} value={value} checked={i === 0} /> {label}
      </label>
    ))}
  </div>
);

const ScopeForm = (p: {
  action: string;
  legend: string;
  options: [string, string][];
  field: string;
  submit: string;
}) => (
  <form id={`${p.action}-form`} data-action={p.action}>
    <fieldset>
      <legend>{p.legend}</legend>
      <Scope name="scope" options={p.options} />
      <label>
        {p.field} <input name="value" autocomplete="off" />
      </label>
      <button type="submit">{p.submit}</button>
    </fieldset>
  </form>
);

/** Forms carry `data-action`; the console script turns each into a call of the admin API. */
const Actions = () => (
  <section aria-labelledby="actions-title">
    <h2 id="actions-title">Act</h2>
    <ScopeForm
      action="resync"
      legend="Resync from the origin"
      options={[
        ["all", "All shops"],
        ["shopIds", "Shop ids"],
        ["since", "Changed since"],
      ]}
      field="Shop ids, or since (15m, 2h, an ISO time)"
      submit="Start resync"
    />
    <ScopeForm
      action="purge"
      legend="Purge documents"
      options={[
        ["shopIds", "Shop ids"],
        ["keys", "Document keys"],
        ["all", "Everything"],
      ]}
      field="Shop ids or keys"
      submit="Purge…"
    />
    <form id="audit-form" data-action="audit">
      <fieldset>
        <legend>Audit documents against the origin</legend>
        <label>
          Shops to sample <input name="sample" type="number" min="1" max="10000" value="100" />
        </label>
        <button type="submit">Run audit</button>
      </fieldset>
    </form>
    <div id="audit-result" />
    <p id="output" role="status" aria-live="polite" />
  </section>
);

const Dlq = () => (
  <section aria-labelledby="dlq-title">
    <h2 id="dlq-title">Dead letters</h2>
    <p>
      <span id="dlq-count">Loading…</span>{" "}
      <button id="dlq-refresh" type="button">
        Refresh
      </button>
    </p>
    <div class="table">
      <table id="dlq-table">
        <thead>
          <tr>
            <th scope="col">Pick</th>
            <th scope="col">Event</th>
            <th scope="col">Reason</th>
            <th scope="col">Attempts</th>
            <th scope="col">First failure</th>
            <th scope="col">Last failure</th>
          </tr>
        </thead>
        <tbody />
      </table>
    </div>
    <p>
      <button id="dlq-replay-selected" type="button">
        Replay selected
      </button>{" "}
      <button id="dlq-replay-all" type="button">
        Replay all…
      </button>
    </p>
  </section>
);

export const Dashboard = (p: { panels: Record<string, string> }) => {
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
        <Live id="panel-lag" title="Lag, last 15 minutes" />
        <Live id="panel-rate" title="Events per second, last 15 minutes" />
        <Live id="panel-breaker" title="Origin circuit breaker" />
        <Live id="panel-jobs" title="Resync jobs" />
        <Actions />
        <Dlq />
      </main>
      <script src="/console/assets/console.js" defer />
    </Page>
  );
};
