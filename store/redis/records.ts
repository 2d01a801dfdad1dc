import type { Redis } from "@upstash/redis";
import type { z } from "zod";
import { DeadLetter, Job } from "../../contract/index.ts";
import { byFirstFailure, type DocumentStore, JOBS_KEPT, newestJobFirst } from "../port.ts";

export const recordKeys = (p: string) => ({ dlq: `${p}dlq`, jobs: `${p}jobs` });

/** Every value of a hash, parsed (the client returns HGETALL as a flat field/value array). */
async function values<S extends z.ZodType>(redis: Redis, key: string, schema: S): Promise<z.infer<S>[]> {
  const flat = ((await redis.hgetall(key)) ?? []) as unknown as string[];
  const out: z.infer<S>[] = [];
  for (let i = 1; i < flat.length; i += 2) out.push(schema.parse(JSON.parse(flat[i] as string)));
  return out;
}

/**
 * The Redis adapter's operational records: dead letters and resync jobs, one hash each, a JSON
 * value per id. Small by nature (a DLQ is emptied by replays; jobs are capped), so HGETALL is fine.
 */
export function redisRecords(
  redis: Redis,
  p: string,
): Pick<
  DocumentStore,
  | "putDeadLetter"
  | "listDeadLetters"
  | "deleteDeadLetters"
  | "countDeadLetters"
  | "putJob"
  | "getJob"
  | "listJobs"
> {
  const { dlq, jobs } = recordKeys(p);
  return {
    async putDeadLetter(entry) {
      await redis.hset(dlq, { [entry.id]: JSON.stringify(DeadLetter.parse(entry)) });
    },
    async listDeadLetters(limit = 100) {
      return (await values(redis, dlq, DeadLetter)).sort(byFirstFailure).slice(0, limit);
    },
    async deleteDeadLetters(ids) {
      return ids.length ? redis.hdel(dlq, ...ids) : 0;
    },
    async countDeadLetters() {
      return redis.hlen(dlq);
    },
    async putJob(job) {
      await redis.hset(jobs, { [job.id]: JSON.stringify(Job.parse(job)) });
    },
    async getJob(id) {
      const raw = (await redis.hget(jobs, id)) as string | null;
      return raw ? Job.parse(JSON.parse(raw)) : null;
    },
    async listJobs(limit = 20) {
      const all = (await values(redis, jobs, Job)).sort(newestJobFirst);
      const old = all.slice(JOBS_KEPT).map((j) => j.id);
      if (old.length) await redis.hdel(jobs, ...old); // bounded without a sweeper
      return all.slice(0, limit);
    },
  };
}
