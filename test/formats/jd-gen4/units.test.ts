import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Standardizer } from '../../../src/convert/standardize.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { jdGen4Driver } from '../../../src/formats/jd-gen4/driver.ts';
import { gen4Unit } from '../../../src/formats/jd-gen4/units.ts';
import type { OperationSource } from '../../../src/formats/types.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';
import { APPLICATION, PLANTING } from './oracle.ts';
import { rewriteChannels, type ChannelEdit } from './rewrite.ts';

/*
 * Units follow the channel declarations (issue 12): synthetic cards made from the samples by
 * rewriting only their session headers' unit and divisor (rewrite.ts), so that the same logged
 * integers mean the same rates in another unit. The expected values are the original run's,
 * converted by hand with the exact definitions: 1 ac = 4,046.8564224 m², 1 ha = 10,000 m²,
 * 1 mm³/m² = 10⁻⁶ L / 10⁻⁴ ha = 0.01 L/ha.
 */

const M2_PER_ACRE = 4046.8564224;

test('Gen4 unit codes: the grammar of the sample headers', () => {
  assert.equal(gen4Unit('seeds1ac-1'), 'seeds/ac');
  assert.equal(gen4Unit('seeds1[m2]-1'), 'seeds/m2');
  assert.equal(gen4Unit('[mm3]1[m2]-1'), 'mm3/m2');
  assert.equal(gen4Unit('mg1sec-1'), 'mg/s');
  assert.equal(gen4Unit('km1hr-1'), 'km/h');
  assert.equal(gen4Unit('mi1hr-1'), 'mi/hr');
  assert.equal(gen4Unit('l1hr-1'), 'L/h');
  assert.equal(gen4Unit('l1min-1'), 'L/min');
  assert.equal(gen4Unit('kg1ha-1'), 'kg/ha');
  assert.equal(gen4Unit('gal1ac-1'), 'gal/ac');
  assert.equal(gen4Unit('l'), 'L');
  assert.equal(gen4Unit('ml'), 'ml');
  assert.equal(gen4Unit('prcnt'), 'percentage');
  assert.equal(gen4Unit('kPa'), 'kPa');
  assert.equal(gen4Unit('seeds1row-1'), undefined);
  assert.equal(gen4Unit('unitless'), undefined);
});

/** Every .jdl of an archive, by path, with its bytes rewritten by `edit` (or as they are). */
async function card(zip: string, edit?: ChannelEdit): Promise<Record<string, Buffer>> {
  const archive = await openArchive(zip);
  const files: Record<string, Buffer> = {};
  try {
    for (const entry of archive.entries) {
      if (!/\.jdl$/i.test(entry.path)) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of (await entry.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      files[entry.path] = edit ? rewriteChannels(bytes, edit) : bytes;
    }
  } finally {
    await archive.close();
  }
  return files;
}

async function operations(zip: string, folder: RegExp): Promise<{ source: OperationSource; close: () => Promise<void> }> {
  const archive = await openArchive(zip);
  const datasets = (await jdGen4Driver.detect(archive.entries)).filter((d) => folder.test(d.root));
  assert.equal(datasets.length, 1, `one dataset in ${folder}`);
  const [source] = await jdGen4Driver.read(datasets[0]!);
  return { source: source!, close: () => archive.close() };
}

/** The values of `keys` over the first `limit` points (the planting run has 123,194). */
async function values(source: OperationSource, keys: string[], limit = 40_000): Promise<Map<string, number[]>> {
  const out = new Map(keys.map((k) => [k, [] as number[]]));
  let n = 0;
  for await (const batch of source.points()) {
    for (const key of keys) out.get(key)!.push(...(batch.numbers.get(key)?.subarray(0, batch.length) ?? new Float64Array(batch.length).fill(NaN)));
    n += batch.length;
    if (n >= limit) break;
  }
  return out;
}

async function synthetic(dir: string, name: string, zip: string, edit: ChannelEdit): Promise<string> {
  const target = join(dir, name);
  await writeZip(target, await card(zip, edit));
  return target;
}

test('planting card declaring metric seeds per m²: read in seeds/m² and shown in seeds/ha, the same seeds', async () => {
  await withTempDir(async (dir) => {
    // The same integers: seeds/m² = logged / (0.1 × 4,046.8564224), where the sample's seeds/ac = logged / 0.1.
    const zip = await synthetic(dir, 'metric.zip', PLANTING, (c) => (c.unit === 'seeds1ac-1' ? { unit: 'seeds1[m2]-1', divisor: c.divisor! * M2_PER_ACRE } : undefined));
    const original = await operations(PLANTING, /22sep/);
    const metric = await operations(zip, /22sep/);
    try {
      const rate = metric.source.meta.columns.find((c) => c.key === 'seedRate')!;
      assert.equal(rate.unit, 'seeds/m2');
      assert.equal(rate.standard, 'seedRate');
      assert.equal(metric.source.meta.columns.find((c) => c.key === 'seedRateTarget')!.unit, 'seeds/m2');
      assert.deepEqual(metric.source.meta.warnings, original.source.meta.warnings);
      const a = await values(original.source, ['seedRate', 'seedRateTarget']);
      const b = await values(metric.source, ['seedRate', 'seedRateTarget']);
      assert.ok(a.get('seedRate')!.length >= 40_000, `${a.get('seedRate')!.length} points compared`);
      assert.equal(a.get('seedRate')!.length, b.get('seedRate')!.length);
      // Point by point: seeds/m² × 4,046.8564224 = seeds/ac (e.g. the target 150,000 seeds/ac = 37.0657 seeds/m²).
      for (const key of ['seedRate', 'seedRateTarget']) {
        a.get(key)!.forEach((ac, i) => assert.ok(Math.abs(b.get(key)![i]! * M2_PER_ACRE - ac) <= 1e-9 * ac, `${key} ${i}: ${b.get(key)![i]} seeds/m² vs ${ac} seeds/ac`));
      }
      assert.ok(Math.abs(b.get('seedRateTarget')![0]! - 150_000 / M2_PER_ACRE) < 1e-9);
      // The default unit system shows the controller's seeds/m² as seeds/ha (× 10,000); the original stays seeds/ac.
      const std = new Standardizer(metric.source.meta, 'default');
      assert.equal(std.units.get('seedRate'), 'seeds/ha');
      const first = await (async () => {
        for await (const batch of metric.source.points()) return std.apply(batch).numbers.get('seedRate')![0]!;
        return NaN;
      })();
      assert.ok(Math.abs(first - (a.get('seedRate')![0]! * 10_000) / M2_PER_ACRE) < 1e-6, `${first} seeds/ha`);
    } finally {
      await original.close();
      await metric.close();
    }
  });
});

test('planting card with a seed-rate unit Furrow does not know: converted with the raw values and a warning, not refused', async () => {
  await withTempDir(async (dir) => {
    const zip = await synthetic(dir, 'unknown.zip', PLANTING, (c) => (c.code === 59 ? { unit: 'seeds1row-1', divisor: c.divisor! } : undefined));
    const original = await operations(PLANTING, /22sep/);
    const odd = await operations(zip, /22sep/);
    try {
      const meta = odd.source.meta;
      assert.equal(meta.columns.find((c) => c.standard === 'seedRate'), undefined);
      const raw = meta.columns.find((c) => c.key === 'seedRateLogged');
      assert.ok(raw && raw.standard === undefined && raw.unit === undefined, JSON.stringify(raw));
      assert.match(raw.label, /seeds1row-1/);
      assert.ok(meta.warnings.some((w) => /Actual seeding rate.*"seeds1row-1".*raw column seedRateLogged/.test(w)), meta.warnings.join('\n'));
      // The target (DDI 11, still seeds/ac) is read as before.
      assert.equal(meta.columns.find((c) => c.key === 'seedRateTarget')!.unit, 'seeds/ac');
      // Logged ÷ the declared divisor: the original seeds/ac figures, unitless.
      const a = await values(original.source, ['seedRate'], 20_000);
      const b = await values(odd.source, ['seedRateLogged'], 20_000);
      assert.ok(a.get('seedRate')!.length >= 20_000);
      assert.deepEqual(b.get('seedRateLogged'), a.get('seedRate'));
      assert.deepEqual(new Standardizer(meta, 'default').missingRequired(), ['seedRate']);
    } finally {
      await original.close();
      await odd.close();
    }
  });
});

test('sprayer card declaring L/ha: the applied rate follows the declared unit', async () => {
  await withTempDir(async (dir) => {
    // 1 mm³/m² = 0.01 L/ha, so the same integers in L/ha need a divisor 100 × 100 = 10,000.
    const zip = await synthetic(dir, 'litres.zip', APPLICATION, (c) => (c.unit === '[mm3]1[m2]-1' ? { unit: 'l1ha-1', divisor: c.divisor! * 100 } : undefined));
    const original = await operations(APPLICATION, /Tank Mix Rate/);
    const litres = await operations(zip, /Tank Mix Rate/);
    try {
      assert.equal(litres.source.meta.columns.find((c) => c.key === 'appliedRate')!.unit, 'L/ha');
      const a = await values(original.source, ['appliedRate', 'appliedRateTarget']);
      const b = await values(litres.source, ['appliedRate', 'appliedRateTarget']);
      assert.equal(a.get('appliedRate')!.length, 780);
      for (const key of ['appliedRate', 'appliedRateTarget']) {
        a.get(key)!.forEach((mm, i) => assert.ok(Math.abs(b.get(key)![i]! - mm * 0.01) <= 1e-12 * mm, `${key} ${i}`));
      }
      // The target 9,350 mm³/m² = 93.5 L/ha.
      assert.ok(Math.abs(b.get('appliedRateTarget')![0]! - 93.5) < 1e-9);
    } finally {
      await original.close();
      await litres.close();
    }
  });
});
