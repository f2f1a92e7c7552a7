/**
 * Preload module that watches memory while any Furrow command runs and prints the peaks to
 * stderr at exit: RSS, V8 heap used/total, and memory outside the V8 heap (external,
 * ArrayBuffers: typed-array columns, Buffers queued in write streams).
 *
 *   node --import tsx --import ./bench/mem-sampler.ts bin/furrow.mjs convert <zip> -o <dir>
 *
 * FURROW_HEAP_SNAPSHOT_MB=N also writes one heap snapshot (into FURROW_HEAP_SNAPSHOT_DIR,
 * default /tmp/furrow-bench) the first time the used heap passes N MiB; summarise it with
 * bench/heapsnapshot-top.ts.
 */
import { writeHeapSnapshot } from 'node:v8';

const MIB = 1024 * 1024;
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const snapshotAt = Number(process.env.FURROW_HEAP_SNAPSHOT_MB ?? NaN) * MIB;
const snapshotDir = process.env.FURROW_HEAP_SNAPSHOT_DIR ?? '/tmp/furrow-bench';
let snapshotTaken = false;
const started = performance.now();

function sample(): void {
  const m = process.memoryUsage();
  for (const key of Object.keys(peak) as (keyof typeof peak)[]) if (m[key] > peak[key]) peak[key] = m[key];
  if (!snapshotTaken && m.heapUsed > snapshotAt) {
    snapshotTaken = true;
    const file = writeHeapSnapshot(`${snapshotDir}/furrow-${process.pid}-${Math.round(m.heapUsed / MIB)}MiB.heapsnapshot`);
    process.stderr.write(`mem-sampler: heap snapshot at ${Math.round(m.heapUsed / MIB)} MiB used, ${((performance.now() - started) / 1000).toFixed(1)} s: ${file}\n`);
  }
}

setInterval(sample, 25).unref();
process.on('exit', () => {
  sample();
  const mib = (n: number) => Math.round(n / MIB);
  process.stderr.write(
    `mem-sampler: peak rss ${mib(peak.rss)} MiB (maxRSS ${mib(process.resourceUsage().maxRSS * 1024)} MiB), heapUsed ${mib(peak.heapUsed)} MiB, ` +
      `heapTotal ${mib(peak.heapTotal)} MiB, external ${mib(peak.external)} MiB, arrayBuffers ${mib(peak.arrayBuffers)} MiB\n`,
  );
});
