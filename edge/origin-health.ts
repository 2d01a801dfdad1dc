/**
 * Knows whether the origin is down without waiting for a customer request to find out: a light
 * `/healthz` probe on an interval (servers), combined with the origin breaker's state (everywhere).
 * While down, stored documents are served marked STALE.
 */
export class OriginHealth {
  private down = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly o: { url: string; timeoutMs: number; breakerOpen: () => boolean; fetch?: typeof fetch },
  ) {}

  isDown(): boolean {
    return this.down || this.o.breakerOpen();
  }

  async probe(): Promise<boolean> {
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
