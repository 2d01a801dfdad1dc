/** @jsxImportSource hono/jsx */
import type { Job } from "../../contract/index.ts";
import type { StatusReport } from "../http/status.ts";
import type { TimelinePoint } from "../timeline.ts";
import { fmt, LagChart, RateChart } from "./chart.tsx";

/*
 * The live parts of the console. The page renders them once; the event stream sends them again,
 * rendered the same way, every second. One renderer means the first paint and the updates agree,
 * and JSX escapes every value (shop ids and reasons come from outside).
 */

const time = (iso: string | null) => (iso ? `${iso.slice(11, 19)} UTC` : "never");
const Figure = (p: { name: string; value: string | number; id?: string }) => (
  <div class="figure">
    <dt>{p.name}</dt>
    <dd id={p.id}>{String(p.value)}</dd>
  </div>
);

const scheduled = (q: StatusReport["queue"]) =>
  "scheduled" in q && q.scheduled !== undefined
    ? `${q.scheduled}${q.nextDueAt ? ` · next ${time(q.nextDueAt)}` : ""}`
    : "unknown";

/** How much repair work ran and how old the changes it repaired were: never mixed into the lag. */
function repairText(r: StatusReport["repair"]): string {
  if (r.count === 0) return "none";
  const parts = Object.entries(r.bySource)
    .filter(([, n]) => n > 0)
    .map(([source, n]) => `${n} ${source}`);
  return `${parts.join(" · ")}${r.oldestMs === null ? "" : ` · oldest ${fmt(r.oldestMs, "ms")} old`}`;
}

export function SyncPanel({ s, rate }: { s: StatusReport; rate: TimelinePoint | undefined }) {
  const backlog = s.origin.outbox ? String(s.origin.outbox.pending) : "unknown";
  const checkpoint = s.catchUp.checkpoint === null ? "none yet" : `seq ${s.catchUp.checkpoint}`;
  const behind = s.catchUp.behind === null ? "" : ` · ${s.catchUp.behind} behind`;
  const age = s.catchUp.ageSeconds === null ? "no pass yet" : `${s.catchUp.ageSeconds} s ago`;
  // What the last pass did: queued changes no document reflected, left young ones to the live path
  // and, while bulk work was queued, left the rest to it.
  const last = s.catchUp.last;
  const pass = last
    ? ` · last pass ${last.events} queued${last.deferred ? `, ${last.deferred} left to live` : ""}${
        last.waiting ? `, ${last.waiting} left to queued bulk work` : ""
      }`
    : "";
  return (
    <dl class="figures">
      <Figure name="Events in" value={fmt(rate?.inPerSec ?? 0, "/s")} id="events-in" />
      <Figure name="Processed" value={fmt(rate?.processedPerSec ?? 0, "/s")} id="events-processed" />
      <Figure name="Queue: ready to process" value={s.queue.depth ?? "unknown"} id="queue-depth" />
      <Figure name="Queue: scheduled" value={scheduled(s.queue)} id="queue-scheduled" />
      <Figure name="Dead letters" value={s.dlq.size} id="dlq-size" />
      <Figure
        name="Live lag p50 / p99 (60 s)"
        value={`${fmt(s.lag.p50, "ms")} / ${fmt(s.lag.p99, "ms")}`}
        id="live-lag"
      />
      <Figure name="Repair work (60 s)" value={repairText(s.repair)} id="repair-work" />
      <Figure name="Outbox backlog" value={backlog} id="outbox-backlog" />
      <Figure name="Catch-up checkpoint" value={`${checkpoint}${behind} · ${age}${pass}`} id="checkpoint" />
      <Figure
        name="Documents"
        value={`${s.documents.detail} detail · ${s.documents.list} list · ${s.documents.main} main`}
        id="documents"
      />
    </dl>
  );
}

const BREAKER_TEXT = {
  closed: "CLOSED — origin calls go through",
  open: "OPEN — origin calls fail fast",
  "half-open": "HALF-OPEN — one trial call decides",
} as const;

export function BreakerPanel({ s }: { s: StatusReport }) {
  const state = s.breaker.state;
  return (
    <>
      <p class="breaker" id="breaker-state" data-state={state}>
        <strong>{BREAKER_TEXT[state]}</strong>
      </p>
      <p class="note">
        {s.origin.error
          ? `Last origin check ${time(s.origin.at)}: ${s.origin.error}`
          : `Origin answered ${time(s.origin.at)}`}
      </p>
      <h3>History</h3>
      {s.breaker.history.length === 0 ? (
        <p class="note">No change since this sync-worker started.</p>
      ) : (
        <ol class="history" id="breaker-history">
          {[...s.breaker.history].reverse().map((h) => (
            <li>
              <time datetime={h.at}>{time(h.at)}</time> {h.state}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

export const jobPercent = (j: Job) =>
  j.state === "done" ? 100 : j.total ? Math.floor(((j.done + j.failed) / j.total) * 100) : 0;

export function JobsPanel({ jobs }: { jobs: Job[] }) {
  if (jobs.length === 0) return <p class="note">No resync jobs since this sync-worker started.</p>;
  return (
    <ul class="jobs">
      {jobs.map((j) => (
        <li data-job={j.id} data-state={j.state}>
          <span>
            Resync {j.scope} — {j.state}
            {j.error ? `: ${j.error}` : ""}
          </span>
          <progress max={100} value={jobPercent(j)} aria-label={`resync ${j.scope} progress`} />
          <span class="pct">{jobPercent(j)}%</span>
          <span class="note">
            {j.done} of {j.total ?? "…"} rebuilt{j.failed ? `, ${j.failed} failed` : ""}
            {j.perSec ? ` · ${j.perSec} shops/s` : ""}
            {j.state === "running" && j.etaSeconds != null ? ` · ETA ${fmt(j.etaSeconds * 1000, "ms")}` : ""}{" "}
            · started {time(j.startedAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Every live panel by element id, as HTML: what one event-stream message carries. */
export async function renderPanels(
  s: StatusReport,
  points: TimelinePoint[],
): Promise<Record<string, string>> {
  const rate = points.length > 1 ? points.at(-2) : points.at(-1);
  const panels = {
    "panel-sync": <SyncPanel s={s} rate={rate} />,
    "panel-lag": <LagChart points={points} />,
    "panel-rate": <RateChart points={points} />,
    "panel-breaker": <BreakerPanel s={s} />,
    "panel-jobs": <JobsPanel jobs={s.jobs} />,
  };
  const out: Record<string, string> = {};
  for (const [id, node] of Object.entries(panels)) out[id] = String(await node.toString());
  return out;
}
