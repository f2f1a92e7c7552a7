import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ACCEPTED } from './clear.ts';
import { DEFAULT_SEED, KINDS, digest, sliceIndexes, variantAt } from './generate.ts';
import { DEFAULT_LIMITS, FuzzHarness, type FuzzResult } from './harness.ts';

/*
 * A quick, deterministic slice of the fuzz corpus (the whole corpus: bench/fuzz.ts): two variants
 * of every kind, on the small samples, each through `furrow convert`'s code in a watched child
 * process. Each must end processed or with a clear failure (test/fuzz/clear.ts says what clear
 * is), within 512 MiB of resident set and the time bound.
 */

const QUICK_BASES = ['isoxml-kverneland', 'isoxml-subfolders', 'jd-shapefile', 'jd-gs3-setup', 'trimble-agf', 'climate-harvest'];

describe('fuzz corpus, quick slice', () => {
  const harness = new FuzzHarness(DEFAULT_LIMITS);
  after(() => harness.close());

  it('makes the same bytes from the same seed, other bytes from another seed', async () => {
    for (const index of [0, 5, 10, 16]) {
      assert.equal(digest((await variantAt(DEFAULT_SEED, index)).bytes), digest((await variantAt(DEFAULT_SEED, index)).bytes));
    }
    const differ = await Promise.all([1, 3, 4].map(async (i) => digest((await variantAt(DEFAULT_SEED, i)).bytes) !== digest((await variantAt(DEFAULT_SEED + 1, i)).bytes)));
    assert.ok(differ.every(Boolean), 'another seed gives other bytes');
  });

  it('ends every input processed or with a clear failure, within the bounds', async () => {
    const indexes = await sliceIndexes(DEFAULT_SEED, 2, QUICK_BASES);
    assert.equal(indexes.length, 2 * KINDS.length, 'two variants of every kind');
    const results: FuzzResult[] = [];
    for (const index of indexes) results.push(await harness.run(await variantAt(DEFAULT_SEED, index)));
    const findings = results.filter((r) => !ACCEPTED.includes(r.outcome)).map((r) => `${r.id} ${r.outcome}: ${r.problem} [${r.detail}]`);
    assert.deepEqual(findings, []);
    for (const r of results) assert.ok(r.peakRss > 0 && r.peakRss <= DEFAULT_LIMITS.rssLimitBytes, `${r.id}: peak RSS ${r.peakRss}`);
    // The slice holds both outcomes: untouched operations beside a damaged entry still convert.
    assert.ok(results.some((r) => r.outcome === 'processed') && results.some((r) => r.outcome === 'failed'));
  });
});
