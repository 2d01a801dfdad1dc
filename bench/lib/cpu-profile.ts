import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/**
 * A CPU profile of this process over one measurement window, when BENCH_CPU_PROFILE names a file
 * prefix: `<prefix>-<label>.cpuprofile`, for Chrome DevTools or `bench/profile-top.ts`. Sampling
 * costs a little CPU, so figures from a profiled run are not quoted.
 */
export async function profileWindow(label: string) {
  const prefix = process.env.BENCH_CPU_PROFILE;
  if (!prefix) return async () => {};
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    const file = `${prefix}-${label}.cpuprofile`;
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.error(`… CPU profile of the window: ${file}`);
  };
}
