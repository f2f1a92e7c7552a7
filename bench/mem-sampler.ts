/**
 * Preload module that watches memory while any Furrow command runs and prints the peaks to
 * stderr at exit: RSS, V8 heap used/total, and memory outside the V8 heap (external,
 * ArrayBuffers: typed-array columns, Buffers queued in write streams).
 *
 *   node --import tsx --import ./bench/mem-sampler.ts bin/furrow.mjs convert <zip> -o <dir>
 *
 * FURROW_HEAP_SNAPSHOT_MB=N also writes one heap snapshot (into FURROW_HEAP_SNAPSHOT_DIR,
 * default /tmp/furrow-bench) the first time the used heap passes N MiB; summarise it with
 * bench/heapsnapshot-top.ts. FURROW_MEM_TIMELINE_S=N prints the current figures every N seconds,
 * to tell which step of a conversion holds the peak.
 */
import { writeHeapSnapshot } from 'node:v8';

const MIB = 1024 * 1024;
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const snapshotAt = Number(process.env.FURROW_HEAP_SNAPSHOT_MB ?? NaN) * MIB;
const snapshotDir = process.env.FURROW_HEAP_SNAPSHOT_DIR ?? '/tmp/furrow-bench';
let snapshotTaken = false;
const started = performance.now();

let peakRssAt = 0;

function sample(): void {
  const m = process.memoryUsage();
  if (m.rss > peak.rss) peakRssAt = performance.now() - started;
  for (const key of Object.keys(peak) as (keyof typeof peak)[]) if (m[key] > peak[key]) peak[key] = m[key];
  if (!snapshotTaken && m.heapUsed > snapshotAt) {
    snapshotTaken = true;
    const file = writeHeapSnapshot(`${snapshotDir}/furrow-${process.pid}-${Math.round(m.heapUsed / MIB)}MiB.heapsnapshot`);
    process.stderr.write(`mem-sampler: heap snapshot at ${Math.round(m.heapUsed / MIB)} MiB used, ${((performance.now() - started) / 1000).toFixed(1)} s: ${file}\n`);
  }
}

setInterval(sample, 25).unref();
const timelineSeconds = Number(process.env.FURROW_MEM_TIMELINE_S ?? NaN);
if (timelineSeconds > 0) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mib = (n: number) => Math.round(n / MIB);
    process.stderr.write(
      `mem-sampler: ${((performance.now() - started) / 1000).toFixed(0)} s rss ${mib(m.rss)} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} arrayBuffers ${mib(m.arrayBuffers)} MiB\n`,
    );
  }, timelineSeconds * 1000).unref();
}
process.on('exit', () => {
  sample();
  const mib = (n: number) => Math.round(n / MIB);
  process.stderr.write(
    `mem-sampler: peak rss ${mib(peak.rss)} MiB (maxRSS ${mib(process.resourceUsage().maxRSS * 1024)} MiB), heapUsed ${mib(peak.heapUsed)} MiB, ` +
      `heapTotal ${mib(peak.heapTotal)} MiB, external ${mib(peak.external)} MiB, arrayBuffers ${mib(peak.arrayBuffers)} MiB; ` +
      `rss peaked ${(peakRssAt / 1000).toFixed(1)} s after start (${new Date(Date.now() - (performance.now() - started) + peakRssAt).toISOString()})\n`,
  );
});
