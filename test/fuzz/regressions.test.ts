import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_SEED, variantAt } from './generate.ts';
import { DEFAULT_LIMITS, FuzzHarness } from './harness.ts';

/*
 * Findings of the full fuzz corpus (bench/fuzz.ts), kept by (seed, index) so the exact input is
 * rebuilt; the detail is checked first so that a change to the generator cannot quietly turn a
 * regression case into another input.
 */

describe('fuzz corpus findings', () => {
  const harness = new FuzzHarness(DEFAULT_LIMITS);
  after(() => harness.close());

  it('converts a dataset nested 2,000 folders deep (its output folder name was longer than a path component may be: ENAMETOOLONG failed the whole input)', async () => {
    const variant = await variantAt(DEFAULT_SEED, 169);
    assert.equal(variant.id, '0169-hostile-names-isoxml-kverneland');
    assert.match(variant.detail, /^every entry renamed, e\.g\. "(d\/){40}/);
    const result = await harness.run(variant);
    // The sample converts 1 operation untouched (test/formats/isoxml); its depth must not change that.
    assert.equal(result.outcome, 'processed', `${result.problem ?? ''} ${result.messages.join(' | ')}`);
    assert.deepEqual(result.messages, []);
  });
});
