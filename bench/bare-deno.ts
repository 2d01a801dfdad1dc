// The ceiling: Deno.serve answering fixed bytes with the edge's content type. With HEADERS_FILE, the
// same headers as the edge's answer too (JSON), as bench/bare-bun.ts: Deno answers a body with only
// a content type on a faster path of its own, so the bench shows what the edge's headers cost apart.
declare const Deno: {
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  readTextFile(path: string): Promise<string>;
  env: { get(name: string): string | undefined };
  serve(o: { port: number; hostname: string; onListen?: () => void }, h: () => Response): unknown;
};
const body = await Deno.readFile(Deno.env.get("BODY_FILE") as string);
const file = Deno.env.get("HEADERS_FILE");
const headers: Record<string, string> = file
  ? JSON.parse(await Deno.readTextFile(file))
  : { "content-type": "application/json; charset=utf-8" };
Deno.serve(
  { port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen: () => {} },
  () => new Response(body, { headers }),
);

export {};
