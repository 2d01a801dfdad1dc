export {};

// The ceiling: Bun.serve answering fixed bytes with the edge's content type (bench/run.ts).
declare const Bun: {
  serve(o: { port: number; hostname: string; fetch: () => Response }): unknown;
  file(path: string): { bytes(): Promise<Uint8Array> };
};
const body = await Bun.file(process.env.BODY_FILE as string).bytes();
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch: () =>
    new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/json; charset=utf-8" },
    }),
});
