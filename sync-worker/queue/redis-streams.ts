import { createClient } from "redis";
import { z } from "zod";
import { ChangeEvent, type Logger } from "../../contract/index.ts";
import type { ChangeQueue, Delivery, EventSource } from "./port.ts";

export type RedisQueueOptions = {
  url: string;
  prefix: string;
  /** This process's consumer name in the group; unique per sync-worker. */
  consumer: string;
  group?: string;
  /** A message held this long by a consumer without an ack is taken over (the consumer died). */
  claimIdleMs?: number;
  logger: Logger;
};

const Body = z.object({
  event: ChangeEvent,
  attempts: z.number().int().min(0),
  // Messages queued before sources were recorded were live events or retries of them.
  source: z.enum(["live", "catch-up", "timer", "replay"]).default("live"),
});

// Moves due delayed messages into the stream atomically, so two workers never promote one twice.
const PROMOTE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 200)
for _, item in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'm', cjson.encode(cjson.decode(item).body))
  redis.call('ZREM', KEYS[1], item)
end
return #due`;

/**
 * Redis Streams with a consumer group (QUEUE=redis): several sync-workers share one stream; a
 * message whose consumer crashed is reclaimed after `claimIdleMs` (XAUTOCLAIM) and processed by
 * another. Delayed messages (scheduled rebuilds, retries) wait in a sorted set until due.
 * Blocking reads use a connection of their own (BRIEF §8).
 */
export async function createRedisQueue(options: RedisQueueOptions): Promise<ChangeQueue> {
  const stream = `${options.prefix}:q`;
  const delayed = `${options.prefix}:q:delayed`;
  const group = options.group ?? "sync-workers";
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const client = createClient({ url: options.url, RESP: 2 });
  const blocking = client.duplicate();
  for (const c of [client, blocking])
    c.on("error", (e) => options.logger.warn("queue.redis_error", { error: String(e) }));
  await Promise.all([client.connect(), blocking.connect()]);
  const ensureGroup = async () => {
    try {
      await client.xGroupCreate(stream, group, "0", { MKSTREAM: true });
    } catch (error) {
      if (!String(error).includes("BUSYGROUP")) throw error;
    }
  };
  await ensureGroup();
  let claimCursor = "0-0";

  const decode = (id: string, fields: Record<string, string> | undefined): Delivery | null => {
    try {
      const body = Body.parse(JSON.parse(fields?.m ?? ""));
      return { id, event: body.event, attempts: body.attempts, source: body.source };
    } catch (error) {
      options.logger.error("queue.malformed_message", { id, error: String(error) });
      return null;
    }
  };
  const schedule = (
    multi: ReturnType<typeof client.multi>,
    event: ChangeEvent,
    attempts: number,
    delayMs: number,
    source: EventSource,
  ) => {
    // A random tag keeps two identical schedules distinct members of the sorted set.
    const item = JSON.stringify({ tag: crypto.randomUUID(), body: { event, attempts, source } });
    multi.zAdd(delayed, { score: Date.now() + delayMs, value: item });
  };

  async function receiveOnce(max: number, waitMs: number): Promise<Delivery[]> {
    await client.eval(PROMOTE, { keys: [delayed, stream], arguments: [String(Date.now())] });
    const out: Delivery[] = [];
    const bad: string[] = [];
    const claimed = await client.xAutoClaim(stream, group, options.consumer, claimIdleMs, claimCursor, {
      COUNT: max,
    });
    claimCursor = claimed.nextId;
    for (const m of claimed.messages) {
      if (!m) continue;
      const d = decode(m.id, m.message);
      if (d) out.push(d);
      else bad.push(m.id);
    }
    if (out.length < max) {
      const read = await blocking.xReadGroup(
        group,
        options.consumer,
        { key: stream, id: ">" },
        {
          COUNT: max - out.length,
          BLOCK: Math.max(1, waitMs),
        },
      );
      for (const s of (read ?? []) as { messages: { id: string; message: Record<string, string> }[] }[]) {
        for (const m of s.messages) {
          const d = decode(m.id, m.message);
          if (d) out.push(d);
          else bad.push(m.id);
        }
      }
    }
    if (bad.length) await queue.ack(bad); // unreadable forever: drop, logged above
    return out;
  }

  const queue: ChangeQueue = {
    kind: "redis",
    async send(events, opts = {}) {
      const multi = client.multi();
      const source = opts.source ?? "live";
      for (const event of events) {
        if (opts.delayMs && opts.delayMs > 0) schedule(multi, event, 0, opts.delayMs, source);
        else multi.xAdd(stream, "*", { m: JSON.stringify({ event, attempts: 0, source }) });
      }
      await multi.exec();
    },
    async receive(max, waitMs) {
      try {
        return await receiveOnce(max, waitMs);
      } catch (error) {
        // A Redis restart without persistence, or a flushed stream, takes the group with it:
        // make it again and carry on (catch-up repairs what the lost stream held).
        if (!String(error).includes("NOGROUP")) throw error;
        options.logger.warn("queue.group_recreated", { stream, group });
        claimCursor = "0-0";
        await ensureGroup();
        return [];
      }
    },
    async ack(ids) {
      if (ids.length === 0) return;
      await client
        .multi()
        .xAck(stream, group, [...ids])
        .xDel(stream, [...ids])
        .exec();
    },
    async retry(items) {
      if (items.length === 0) return;
      const multi = client.multi();
      for (const { delivery, delayMs } of items)
        schedule(multi, delivery.event, delivery.attempts + 1, delayMs, delivery.source);
      const ids = items.map((i) => i.delivery.id);
      multi.xAck(stream, group, ids).xDel(stream, ids);
      await multi.exec();
    },
    async depth() {
      // Acked entries are deleted, so the stream holds what is ready plus what is in flight (the
      // group's pending entries, every consumer's); due delayed entries count as scheduled until
      // the next receive promotes them.
      const [length, pending, scheduled, next] = await Promise.all([
        client.xLen(stream),
        client.xPending(stream, group).then((p) => Number(p.pending)),
        client.zCard(delayed),
        client.zRangeWithScores(delayed, 0, 0),
      ]);
      const inFlight = Math.min(Number(length), pending);
      return {
        ready: Number(length) - inFlight,
        inFlight,
        scheduled: Number(scheduled),
        nextDueAt: next[0] ? new Date(next[0].score).toISOString() : null,
      };
    },
    async close() {
      blocking.destroy(); // it may sit in a blocking read; close() would wait for it
      await client.close().catch(() => {});
    },
  };
  return queue;
}
