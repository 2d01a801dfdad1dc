import { createClient } from "redis";
import { z } from "zod";
import { ChangeEvent } from "../../contract/index.ts";
import type { Logger } from "../../runtime/index.ts";
import { type ChangeQueue, type Delivery, type EventSource, type Lane, laneOf } from "./port.ts";

export type RedisQueueOptions = {
  url: string;
  prefix: string;
  /** This process's consumer name in the group; unique per sync-worker. */
  consumer: string;
  group?: string;
  /** A message held this long by a consumer without an ack is taken over (the consumer died). */
  claimIdleMs?: number;
  logger: Logger;
  /** When a delayed message is due; Date.now unless a test drives the clock. */
  now?: () => number;
};

const Body = z.object({
  event: ChangeEvent,
  attempts: z.number().int().min(0),
  // Messages queued before sources were recorded were live events or retries of them.
  source: z.enum(["live", "catch-up", "timer", "replay"]).default("live"),
});
type Message = { id: string; message: Record<string, string> };
const LANES: Lane[] = ["live", "bulk"];
// Delivery ids carry their lane, so an ack or retry finds the stream: "1700-0" or "bulk:1700-0".
const deliveryId = (lane: Lane, id: string) => (lane === "bulk" ? `bulk:${id}` : id);
const streamIdOf = (id: string): [Lane, string] =>
  id.startsWith("bulk:") ? ["bulk", id.slice(5)] : ["live", id];

// Moves due delayed messages into their lane's stream atomically, so two workers never promote one twice.
const PROMOTE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 200)
for _, item in ipairs(due) do
  local body = cjson.decode(item).body
  local stream = KEYS[3]
  if body.source == nil or body.source == 'live' then stream = KEYS[2] end
  redis.call('XADD', stream, '*', 'm', cjson.encode(body))
  redis.call('ZREM', KEYS[1], item)
end
return #due`;

/**
 * Redis Streams with a consumer group (QUEUE=redis), one stream per lane (live, bulk): several
 * sync-workers share them; a message whose consumer crashed is reclaimed after `claimIdleMs`
 * (XAUTOCLAIM) and processed by another. Delayed messages (scheduled rebuilds, retries) wait in a
 * sorted set until due. Blocking reads use a connection of their own per lane, so the
 * live lane's read never waits behind the bulk lane's.
 */
export async function createRedisQueue(options: RedisQueueOptions): Promise<ChangeQueue> {
  const streams: Record<Lane, string> = { live: `${options.prefix}:q`, bulk: `${options.prefix}:q:bulk` };
  const delayed = `${options.prefix}:q:delayed`;
  const group = options.group ?? "sync-workers";
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const now = options.now ?? Date.now;
  const client = createClient({ url: options.url, RESP: 2 });
  const blocking = { live: client.duplicate(), bulk: client.duplicate() };
  for (const c of [client, blocking.live, blocking.bulk])
    c.on("error", (e) => options.logger.warn("queue.redis_error", { error: String(e) }));
  await Promise.all([client.connect(), blocking.live.connect(), blocking.bulk.connect()]);
  const ensureGroups = async () => {
    for (const lane of LANES) {
      try {
        await client.xGroupCreate(streams[lane], group, "0", { MKSTREAM: true });
      } catch (error) {
        if (!String(error).includes("BUSYGROUP")) throw error;
      }
    }
  };
  await ensureGroups();
  const claimCursor: Record<Lane, string> = { live: "0-0", bulk: "0-0" };

  const decode = (lane: Lane, m: Message, bad: string[]): Delivery[] => {
    try {
      const body = Body.parse(JSON.parse(m.message.m ?? ""));
      return [
        { id: deliveryId(lane, m.id), event: body.event, attempts: body.attempts, source: body.source },
      ];
    } catch (error) {
      options.logger.error("queue.malformed_message", { id: m.id, error: String(error) });
      bad.push(deliveryId(lane, m.id));
      return [];
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
    multi.zAdd(delayed, { score: now() + delayMs, value: item });
  };

  /** A lane's reclaimed messages, then new ones; blocks up to `blockMs` only when given. */
  async function fromLane(lane: Lane, max: number, blockMs: number | null, bad: string[]) {
    const claimed = await client.xAutoClaim(
      streams[lane],
      group,
      options.consumer,
      claimIdleMs,
      claimCursor[lane],
      {
        COUNT: max,
      },
    );
    claimCursor[lane] = claimed.nextId;
    const out = claimed.messages.flatMap((m) => (m ? decode(lane, m as Message, bad) : []));
    if (out.length >= max) return out;
    const read = await (blockMs === null ? client : blocking[lane]).xReadGroup(
      group,
      options.consumer,
      { key: streams[lane], id: ">" },
      { COUNT: max - out.length, ...(blockMs === null ? {} : { BLOCK: Math.max(1, blockMs) }) },
    );
    for (const s of (read ?? []) as { messages: Message[] }[])
      for (const m of s.messages) out.push(...decode(lane, m, bad));
    return out;
  }

  async function receiveOnce(max: number, waitMs: number, lane: Lane | undefined): Promise<Delivery[]> {
    await client.eval(PROMOTE, {
      keys: [delayed, streams.live, streams.bulk],
      arguments: [String(now())],
    });
    const bad: string[] = [];
    let out: Delivery[];
    if (lane) out = await fromLane(lane, max, waitMs, bad);
    else {
      // Live first; bulk fills the rest; with nothing in either, wait on the live lane.
      out = await fromLane("live", max, null, bad);
      if (out.length < max) out.push(...(await fromLane("bulk", max - out.length, null, bad)));
      if (out.length === 0 && waitMs > 0) out = await fromLane("live", max, waitMs, bad);
    }
    if (bad.length) await queue.ack(bad); // unreadable forever: drop, logged above
    return out;
  }

  const byLane = (ids: readonly string[]) => {
    const out: Record<Lane, string[]> = { live: [], bulk: [] };
    for (const id of ids) {
      const [lane, streamId] = streamIdOf(id);
      out[lane].push(streamId);
    }
    return out;
  };
  const settle = (multi: ReturnType<typeof client.multi>, ids: readonly string[]) => {
    const lanes = byLane(ids);
    for (const lane of LANES)
      if (lanes[lane].length) multi.xAck(streams[lane], group, lanes[lane]).xDel(streams[lane], lanes[lane]);
  };

  const queue: ChangeQueue = {
    kind: "redis",
    async send(events, opts = {}) {
      const multi = client.multi();
      const source = opts.source ?? "live";
      for (const event of events) {
        if (opts.delayMs && opts.delayMs > 0) schedule(multi, event, 0, opts.delayMs, source);
        else multi.xAdd(streams[laneOf(source)], "*", { m: JSON.stringify({ event, attempts: 0, source }) });
      }
      await multi.exec();
    },
    async receive(max, waitMs, lane) {
      try {
        return await receiveOnce(max, waitMs, lane);
      } catch (error) {
        // A Redis restart without persistence, or a flushed stream, takes the group with it:
        // make it again and carry on (catch-up repairs what the lost stream held).
        if (!String(error).includes("NOGROUP")) throw error;
        options.logger.warn("queue.group_recreated", { streams: Object.values(streams), group });
        claimCursor.live = claimCursor.bulk = "0-0";
        await ensureGroups();
        return [];
      }
    },
    async ack(ids) {
      if (ids.length === 0) return;
      const multi = client.multi();
      settle(multi, ids);
      await multi.exec();
    },
    async retry(items) {
      if (items.length === 0) return;
      const multi = client.multi();
      for (const { delivery, delayMs } of items)
        schedule(multi, delivery.event, delivery.attempts + 1, delayMs, delivery.source);
      settle(
        multi,
        items.map((i) => i.delivery.id),
      );
      await multi.exec();
    },
    async depth() {
      // Acked entries are deleted, so a stream holds what is ready plus what is in flight (the
      // group's pending entries, every consumer's); due delayed entries count as scheduled until
      // the next receive promotes them.
      const lane = async (l: Lane) => {
        const [length, pending] = await Promise.all([
          client.xLen(streams[l]),
          client.xPending(streams[l], group).then((p) => Number(p.pending)),
        ]);
        const inFlight = Math.min(Number(length), pending);
        return { ready: Number(length) - inFlight, inFlight };
      };
      const [live, bulk, scheduled, next] = await Promise.all([
        lane("live"),
        lane("bulk"),
        client.zCard(delayed),
        client.zRangeWithScores(delayed, 0, 0),
      ]);
      return {
        ready: live.ready + bulk.ready,
        inFlight: live.inFlight + bulk.inFlight,
        scheduled: Number(scheduled),
        nextDueAt: next[0] ? new Date(next[0].score).toISOString() : null,
        bulk: bulk.ready + bulk.inFlight,
      };
    },
    async close() {
      // They may sit in a blocking read; close() would wait for it.
      blocking.live.destroy();
      blocking.bulk.destroy();
      await client.close().catch(() => {});
    },
  };
  return queue;
}
