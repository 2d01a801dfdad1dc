// The ceiling: Deno.serve answering fixed bytes with the edge's content type.
declare const Deno: {
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  env: { get(name: string): string | undefined };
  serve(o: { port: number; hostname: string; onListen?: () => void }, h: () => Response): unknown;
};
const body = await Deno.readFile(Deno.env.get("BODY_FILE") as string);
Deno.serve(
  { port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen: () => {} },
  () => new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } }),
);

export {};
