import type { Context } from "hono";
import { AppError } from "../../contract/index.ts";
import type { ChangeQueue } from "../queue/port.ts";

/** How long a read of the queue's depth is trusted; sends admitted since are counted on top. */
const REFRESH_MS = 200;

/**
 * Ingest's back-pressure: past `maxDepth` live events waiting (ready and in flight), POST /events
 * answers 503 with Retry-After before anything is queued. The origin's relay keeps what it could
 * not deliver and sends it again, so a flood costs time, never events — and the queue, an array in
 * memory or a Redis stream, cannot grow until the process dies. Bulk work (catch-up, resyncs) is
 * not counted: it is paced on its own lane. A queue that cannot tell its depth (Cloudflare Queues,
 * bounded by the platform) is not limited here.
 */
export class IngestGate {
  private live: Promise<number | null> | null = null;
  private readAt = Number.NEGATIVE_INFINITY;
  private sentSince = 0;

  constructor(
    private readonly o: {
      queue: ChangeQueue;
      maxDepth: number;
      now?: () => number;
      onRefused?: (n: number) => void;
    },
  ) {}

  private liveWaiting(t: number): Promise<number | null> {
    if (!this.live || t - this.readAt >= REFRESH_MS) {
      this.readAt = t;
      this.sentSince = 0;
      this.live = this.o.queue
        .depth()
        .then((d) => (d ? d.ready + d.inFlight - d.bulk : null))
        .catch(() => null); // a depth that cannot be read does not stop ingest
    }
    return this.live;
  }

  /** Admits `count` events, or throws the 503 (with Retry-After set on `c`). */
  async admit(c: Context, count: number): Promise<void> {
    const waiting = await this.liveWaiting((this.o.now ?? Date.now)());
    if (waiting === null || waiting + this.sentSince < this.o.maxDepth) {
      this.sentSince += count;
      return;
    }
    this.o.onRefused?.(count);
    c.header("retry-after", "2");
    throw new AppError(
      "unavailable",
      `the queue holds ${waiting + this.sentSince} live events (limit ${this.o.maxDepth}): send again later`,
    );
  }
}
