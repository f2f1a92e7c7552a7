const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * A bench's peak memory: RSS, and V8 heap + ArrayBuffers (typed-array columns live outside the
 * heap). Sampled every 50 ms, and whenever the bench calls `sample()` from its hot loop, where a
 * timer may not get to run.
 */
export class PeakMemory {
  readonly baseline = process.memoryUsage().rss;
  private rss = 0;
  private heap = 0;
  private readonly timer = setInterval(() => this.sample(), 50);

  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heap = Math.max(this.heap, m.heapUsed + m.arrayBuffers);
  }

  /** Stops sampling and gives the figures as the benches print them. */
  stop(): string {
    clearInterval(this.timer);
    this.sample();
    return `peak RSS           ${mib(this.rss)} (baseline ${mib(this.baseline)}); peak heap + array buffers ${mib(this.heap)}`;
  }
}
