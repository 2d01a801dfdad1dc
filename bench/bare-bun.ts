export {};

// The ceiling: Bun.serve answering fixed bytes (bench/run.ts, bench/edge-hot.ts). With HEADERS_FILE,
// the same headers as the edge's answer too (JSON), so the bench can tell what the edge's own work
// costs from what writing its eight extra headers costs.
declare const Bun: {
  serve(o: { port: number; hostname: string; fetch: () => Response }): unknown;
  file(path: string): { bytes(): Promise<Uint8Array>; json(): Promise<Record<string, string>> };
};
const body = await Bun.file(process.env.BODY_FILE as string).bytes();
const headers = process.env.HEADERS_FILE
  ? await Bun.file(process.env.HEADERS_FILE).json()
  : { "content-type": "application/json; charset=utf-8" };
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch: () => new Response(body as Uint8Array<ArrayBuffer>, { headers }),
});
