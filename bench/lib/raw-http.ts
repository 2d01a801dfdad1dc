import { connect, type Socket } from "node:net";

/**
 * The load generator's HTTP/1.1 client: kept-alive sockets, one request at a time on each, the
 * request written as one string and the answer read only as far as its status and length. The load
 * generator shares the two cores with what it measures; node:http cost it ~0.35 ms of CPU a request
 * (16–20 % of a core at 500/s, undici's Pool the same), most of it in objects this never makes.
 * Only for a server that answers with Content-Length or chunked bodies, as ours do.
 */
export class RawHttpClient {
  private readonly idle: Conn[] = [];
  private readonly waiting: (() => void)[] = [];
  private open = 0;

  constructor(
    private readonly url: URL,
    private readonly maxSockets = 512,
  ) {}

  /** Sends one request; resolves with the status code once the whole answer is read. */
  async request(method: string, path: string, body: string): Promise<number> {
    const conn = await this.take();
    try {
      return await conn.send(
        `${method} ${path} HTTP/1.1\r\nhost: ${this.url.host}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    } finally {
      this.give(conn);
    }
  }

  private async take(): Promise<Conn> {
    const ready = this.idle.pop();
    if (ready && !ready.socket.destroyed) return ready;
    if (ready) this.open--;
    if (this.open < this.maxSockets) {
      this.open++;
      return new Conn(connect(Number(this.url.port), this.url.hostname));
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.take();
  }

  private give(conn: Conn): void {
    if (conn.socket.destroyed) this.open--;
    else this.idle.push(conn);
    this.waiting.shift()?.();
  }
}

/** One socket: the answer in progress is parsed as its bytes arrive. */
class Conn {
  private buffered = "";
  private pending: { resolve: (status: number) => void; reject: (e: Error) => void } | null = null;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding("latin1"); // byte offsets = string offsets, for Content-Length
    socket.on("data", (chunk: string) => {
      this.buffered += chunk;
      this.parse();
    });
    const fail = (e: Error) => {
      this.pending?.reject(e);
      this.pending = null;
      socket.destroy();
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("socket closed")));
  }

  send(request: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request, "utf8");
    });
  }

  private parse(): void {
    const headEnd = this.buffered.indexOf("\r\n\r\n");
    if (headEnd < 0 || !this.pending) return;
    const head = this.buffered.slice(0, headEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    let end: number;
    if (length) end = headEnd + 4 + Number(length[1]);
    else if (head.includes("transfer-encoding: chunked")) {
      const last = this.buffered.indexOf("\r\n0\r\n\r\n", headEnd);
      end = last < 0 ? Number.POSITIVE_INFINITY : last + 7;
    } else end = headEnd + 4; // no body (204, 304)
    if (this.buffered.length < end) return;
    this.buffered = this.buffered.slice(end);
    const { resolve } = this.pending;
    this.pending = null;
    resolve(status);
  }
}
