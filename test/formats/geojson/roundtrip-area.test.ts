import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * Furrow's own standard GeoJSON read back as input: the AGCO sprayer card has time gaps, which
 * the first conversion counts as no area. Its per-point `area` is taken as logged, so the second
 * conversion's totalArea equals the first's (up to the outputs' 6-decimal rounding).
 */
interface Summary {
  properties: { totalArea: { value: number; unit: string } };
}

// todo (issue 12): totalArea now sums every point before cleaning; read back, the AGCO DET-15 card comes to 18,216 m² vs 18,545 m² (−1.8 %). Not yet explained.
test('a standard GeoJSON with time gaps reads back with the same totalArea', { todo: 'read-back area −1.8 % on AGCO DET-15 since worked-ground totals (issue 12)' }, () =>
  withTempDir(async (dir) => {
    const first = await convertInput(sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip'), join(dir, 'first'), { units: 'default' });
    const processed = first.operations.filter((o) => o.status === 'processed');
    assert.ok(processed.length > 0);
    for (const [n, op] of processed.entries()) {
      const from = join(dir, 'first', op.dir);
      const zip = join(dir, `again-${n}.zip`);
      await writeZip(zip, { 'standard.geojson': await readFile(join(from, 'standard.geojson')), 'units.json': await readFile(join(from, 'units.json')) });
      const again = await convertInput(zip, join(dir, `again-${n}`), { units: 'default' });
      assert.equal(again.operations[0]?.status, 'processed');
      const a = JSON.parse(await readFile(join(from, 'summary.json'), 'utf8')) as Summary;
      const b = JSON.parse(await readFile(join(dir, `again-${n}`, again.operations[0]!.dir, 'summary.json'), 'utf8')) as Summary;
      assert.equal(b.properties.totalArea.unit, a.properties.totalArea.unit);
      assert.ok(Math.abs(b.properties.totalArea.value - a.properties.totalArea.value) < 0.01, `${op.dir}: ${b.properties.totalArea.value} vs ${a.properties.totalArea.value}`);
    }
  }));
