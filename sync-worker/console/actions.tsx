/** @jsxImportSource hono/jsx */

/*
 * The parts of the page that act. They are static: the console script wires them to the admin API,
 * and the dead-letter table is filled from `GET /admin/dlq` on load and after each replay.
 */

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
export const Actions = () => (
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

export const Dlq = () => (
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
