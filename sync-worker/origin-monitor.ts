import type { OriginClient } from "../clients/index.ts";
import type { OutboxStatusResponse } from "../contract/index.ts";
import type { Logger } from "../runtime/index.ts";

export type OriginReading = {
  at: string;
  /** The origin's outbox; null when it does not offer the endpoint or has not answered yet. */
  outbox: OutboxStatusResponse | null;
  /** Why the last reading failed (origin down, breaker open); null when it succeeded. */
  error: string | null;
};

/**
 * Reads the origin's outbox backlog every `everyMs` through the same resilient client the pipeline
 * uses. Besides the backlog figure this is the breaker's heartbeat: an idle sync-worker would not
 * notice an outage until the next event, and an open breaker would wait for an event to try again;
 * with the probe, the breaker (and the console) follow the origin within a second or two.
 */
export class OriginMonitor {
  last: OriginReading | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private inFlight: Promise<OriginReading> | null = null;

  constructor(private readonly o: { origin: OriginClient; logger: Logger; everyMs?: number }) {}

  /** One reading; overlapping calls share the one in flight, so a slow origin is not piled on. */
  refresh(): Promise<OriginReading> {
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Reads now (status right after start has a figure), then every `everyMs`. */
  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.o.everyMs ?? 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async read(): Promise<OriginReading> {
    const at = new Date().toISOString();
    try {
      this.last = { at, outbox: await this.o.origin.outbox(), error: null };
    } catch (error) {
      if (this.last?.error === null) this.o.logger.warn("origin.unreachable", { error: String(error) });
      // The last known backlog stays, marked by the error, rather than reading as zero.
      this.last = { at, outbox: this.last?.outbox ?? null, error: (error as Error).message };
    }
    return this.last;
  }
}
