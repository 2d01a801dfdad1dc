/**
 * Records real HTTP answers of the services as the test suites drive them, for the OpenAPI
 * conformance test. Off unless a test file turns it on: the other suites pay one comparison.
 */
export type Recorded = {
  service: "edge" | "sync-worker" | "origin";
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: string;
};

export const recorder = { on: false, answers: [] as Recorded[] };

/** Wraps a fetch handler: every answer is recorded (body read from a clone) while recording is on. */
export function recorded<R extends Response | null>(
  service: Recorded["service"],
  handler: (req: Request) => R | Promise<R>,
): (req: Request) => Promise<R> {
  return async (req) => {
    const res = await handler(req);
    if (recorder.on && res) {
      recorder.answers.push({
        service,
        method: req.method,
        path: new URL(req.url).pathname,
        status: res.status,
        headers: new Headers(res.headers),
        body: await res.clone().text(),
      });
    }
    return res;
  };
}
