/**
 * Knows whether the origin is down without waiting for a customer request to find out: a light
 * `/healthz` probe on an interval (servers), combined with the origin breaker's state (everywhere).
 * While down, stored documents are served marked STALE.
 */
export class OriginHealth {
  private down = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastProbe = 0;

  constructor(
    private readonly o: { url: string; timeoutMs: number; breakerOpen: () => boolean; fetch?: typeof fetch },
  ) {}

  isDown(): boolean {
    return this.down || this.o.breakerOpen();
  }

  /**
   * Where no timer may run between requests (Workers), a request starts a background probe when the
   * last one is older than `everyMs`: one comparison per request, the probe itself off the hot path.
   */
  maybeProbe(everyMs: number, waitUntil: (p: Promise<unknown>) => void): void {
    const now = Date.now();
    if (now - this.lastProbe < everyMs) return;
    this.lastProbe = now;
    waitUntil(this.probe());
  }

  async probe(): Promise<boolean> {
    this.lastProbe = Date.now();
    try {
      const res = await (this.o.fetch ?? fetch)(new URL("/healthz", this.o.url), {
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      await res.body?.cancel();
      this.down = !res.ok;
    } catch {
      this.down = true;
    }
    return !this.down;
  }

  every(ms: number): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), ms);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
