/**
 * Prometheus text exposition (https://prometheus.io/docs/instrumenting/exposition_formats/) with no
 * runtime dependency: prom-client is Node-bound and the edge also runs on Workers.
 * Counters and histograms with labels, and gauges read at scrape time.
 */
type Labels = Record<string, string | number>;
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
const fmt = (labels: Labels, extra: Labels = {}) => {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(
    ([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
};

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    this.slot(labels).value += by;
  }
  /**
   * The series for fixed labels, found once: for hot paths (the edge counts every hit), where
   * building the label key per call would cost more than the count.
   */
  child(labels: Labels): { inc(by?: number): void } {
    const slot = this.slot(labels);
    return {
      inc: (by = 1) => {
        slot.value += by;
      },
    };
  }
  private slot(labels: Labels): { labels: Labels; value: number } {
    const k = key(labels);
    let slot = this.values.get(k);
    if (!slot) {
      slot = { labels, value: 0 };
      this.values.set(k, slot);
    }
    return slot;
  }
  render(): string {
    const lines = [...this.values.values()].map((v) => `${this.name}${fmt(v.labels)} ${v.value}`);
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...lines].join("\n");
  }
}

export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const s = this.touch(labels);
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) (s.counts[i] as number)++;
    s.sum += value;
    s.count++;
  }
  /** The series for `labels`, made (at zero) if it is not there yet. */
  touch(labels: Labels = {}) {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    return s;
  }
  render(): string {
    const lines: string[] = [];
    for (const s of this.series.values()) {
      for (const [i, b] of this.buckets.entries()) {
        lines.push(`${this.name}_bucket${fmt(s.labels, { le: b })} ${s.counts[i]}`);
      }
      lines.push(`${this.name}_bucket${fmt(s.labels, { le: "+Inf" })} ${s.count}`);
      lines.push(
        `${this.name}_sum${fmt(s.labels)} ${s.sum}`,
        `${this.name}_count${fmt(s.labels)} ${s.count}`,
      );
    }
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`, ...lines].join("\n");
  }
}

type GaugeRead = () => number | null | Promise<number | null> | [Labels, number][];

export class Registry {
  private readonly items: (Counter | Histogram)[] = [];
  private readonly gauges: { name: string; help: string; read: GaugeRead; type: "gauge" | "counter" }[] = [];
  constructor(readonly prefix: string) {}
  counter(name: string, help: string): Counter {
    const c = new Counter(`${this.prefix}_${name}`, help);
    this.items.push(c);
    return c;
  }
  /** `zero`: export the unlabelled series from the start (all buckets 0), as Prometheus prefers. */
  histogram(name: string, help: string, buckets: number[], o: { zero?: boolean } = {}): Histogram {
    const h = new Histogram(`${this.prefix}_${name}`, help, buckets);
    if (o.zero) h.touch();
    this.items.push(h);
    return h;
  }
  /** A value read when scraped (queue depth, DLQ size, breaker state); null leaves it out. */
  gauge(name: string, help: string, read: GaugeRead): void {
    this.gauges.push({ name: `${this.prefix}_${name}`, help, read, type: "gauge" });
  }
  /** A counter kept elsewhere (e.g. a stats object), read when scraped. */
  counterFrom(name: string, help: string, read: GaugeRead): void {
    this.gauges.push({ name: `${this.prefix}_${name}`, help, read, type: "counter" });
  }
  async render(): Promise<string> {
    const parts = this.items.map((i) => i.render());
    for (const g of this.gauges) {
      const value = await Promise.resolve(g.read()).catch(() => null);
      if (value === null) continue;
      const lines = Array.isArray(value)
        ? value.map(([l, v]) => `${g.name}${fmt(l)} ${v}`)
        : [`${g.name} ${value}`];
      parts.push([`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} ${g.type}`, ...lines].join("\n"));
    }
    return `${parts.join("\n")}\n`;
  }
}
