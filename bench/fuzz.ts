/**
 * The whole fuzz corpus (test/fuzz): every variant through `furrow convert`'s code in a watched
 * child process; prints the figures (inputs, outcomes by kind, max/median time per input, peak
 * RSS) and every finding, and exits 1 when any input crashed, left an unhandled rejection, ended
 * with an unclear message, overran its time or its memory bound.
 *
 *   node --import tsx bench/fuzz.ts [--seed 13] [--count 1000] [--start 0] [--jobs 1] [--rss-mb 512] [--timeout-s 120] [--json out.json]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ACCEPTED, type Outcome } from '../test/fuzz/clear.ts';
import { DEFAULT_SEED, KINDS, variantAt } from '../test/fuzz/generate.ts';
import { FuzzHarness, type FuzzResult } from '../test/fuzz/harness.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    count: { type: 'string', default: '1000' },
    start: { type: 'string', default: '0' },
    jobs: { type: 'string', default: '1' },
    'rss-mb': { type: 'string', default: '512' },
    'timeout-s': { type: 'string', default: '120' },
    json: { type: 'string' },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
const start = Number(values.start);
const jobs = Math.max(1, Number(values.jobs));
const limits = { rssLimitBytes: Number(values['rss-mb']) * 2 ** 20, timeoutMs: Number(values['timeout-s']) * 1000 };

const results: FuzzResult[] = [];
let next = start;
const began = performance.now();

async function lane(): Promise<void> {
  const harness = new FuzzHarness(limits);
  try {
    while (next < start + count) {
      const index = next++;
      const result = await harness.run(await variantAt(seed, index));
      results.push(result);
      if (!ACCEPTED.includes(result.outcome)) console.log(`FINDING ${result.id} ${result.outcome}: ${result.problem} [${result.detail}]`);
      if (results.length % 50 === 0) console.log(`… ${results.length}/${count} inputs, ${((performance.now() - began) / 1000).toFixed(0)} s`);
    }
  } finally {
    await harness.close();
  }
}

await Promise.all(Array.from({ length: jobs }, lane));

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const sortedMs = results.map((r) => r.ms).sort((a, b) => a - b);
const median = sortedMs[Math.floor(sortedMs.length / 2)] ?? 0;
const byOutcome = new Map<Outcome, number>();
for (const r of results) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + 1);
const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
const heaviest = results.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));

console.log(`\nfuzz corpus: seed ${seed}, inputs ${start}…${start + count - 1} (${results.length}), ${jobs} lane(s), bound ${mib(limits.rssLimitBytes)} RSS and ${limits.timeoutMs / 1000} s per input`);
console.log(`wall time ${((performance.now() - began) / 1000).toFixed(0)} s; input sizes ${results.reduce((n, r) => n + r.size, 0).toLocaleString('en')} bytes in all`);
console.log(`outcomes: ${[...byOutcome].map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`time per input: median ${median.toFixed(0)} ms, max ${slowest.ms.toFixed(0)} ms (${slowest.id})`);
console.log(`peak RSS per input: max ${mib(heaviest.peakRss)} (${heaviest.id}), median ${mib(results.map((r) => r.peakRss).sort((a, b) => a - b)[Math.floor(results.length / 2)] ?? 0)}`);
console.log('\nkind                 inputs  processed  failed  findings  max ms  max RSS');
for (const kind of KINDS) {
  const of = results.filter((r) => r.kind === kind);
  if (of.length === 0) continue;
  const findings = of.filter((r) => !ACCEPTED.includes(r.outcome)).length;
  console.log(
    `${kind.padEnd(20)} ${String(of.length).padStart(6)} ${String(of.filter((r) => r.outcome === 'processed').length).padStart(10)} ${String(of.filter((r) => r.outcome === 'failed').length).padStart(7)} ${String(findings).padStart(9)} ${Math.max(...of.map((r) => r.ms)).toFixed(0).padStart(7)} ${mib(Math.max(...of.map((r) => r.peakRss))).padStart(8)}`,
  );
}
if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2) + '\n');
const findings = results.filter((r) => !ACCEPTED.includes(r.outcome));
console.log(`\n${findings.length} finding(s)`);
process.exitCode = findings.length > 0 ? 1 : 0;
