import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { writeFilteredOutputs } from '../../../src/convert/filters/index.ts';
import { emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import type { StandardProperty } from '../../../src/model/properties.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';

/*
 * One real harvest: the CCI forage harvester card (ISOXML), task TSK1 (timelog TLG00001, 4,716
 * records in ORACLE.json). It goes through convertInput to normalized.geojson; the filters then run
 * with their defaults on those normalized points, and every per-filter count is checked against a
 * plain whole-array re-derivation below, written from FILTERS.md's definitions (not from the
 * filter code): rules in order, a point counted once for the first rule that removes it,
 * percentiles by sorting, mean and σ by two sums, running medians by sorting each window.
 *
 * TSK1 logs no ground speed: the speed is Furrow's, distance / Δt between consecutive positions
 * (checked below), so the pipeline says `speedLogged: false` and the velocity-change filter
 * compares medians of 3 records. Yield Editor's previous-record rule (`speedLogged: true`) is
 * checked as well: it removes 330 points here against 23 with the medians (FILTERS.md).
 */

interface Feature {
  geometry: { coordinates: [number, number] };
  properties: Record<string, number | string | null | undefined>;
}

const num = (f: Feature, key: string): number => {
  const v = f.properties[key];
  return typeof v === 'number' ? v : NaN;
};

function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Median of a list (mean of the two middle values for an even count). */
function medianOf(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The expected first-removing filter of every point, derived with plain loops over the whole array.
 * `medianPoints`: records in the velocity-change median (1 = Yield Editor's previous-record rule).
 */
function expectedReasons(features: Feature[], units: Record<string, string>, medianPoints: number): (string | null)[] {
  const n = features.length;
  const time = features.map((f) => Date.parse(f.properties.timestamp as string));
  const on = features.map((f) => f.properties.recordingStatus === 'On');
  const speed = features.map((f) => num(f, 'speed'));
  assert.equal(units.speed, 'm/s');
  assert.equal(units.equipmentWidth, 'm');
  assert.equal(units.wetMassPerArea, 't/ha');
  assert.equal(units.dryMassPerArea, 't/ha');
  const reasons: (string | null)[] = new Array(n).fill(null);
  const mark = (i: number, name: string, removed: boolean) => {
    if (reasons[i] === null && removed) reasons[i] = name;
  };

  // Leaf's default cleanup rules that this operation's properties meet, in clean.ts's order
  // (no volumes: the card names no crop). An absent value is "missing".
  const rules: [string, string, (v: number) => boolean][] = [
    ['wetMass', 'GT 0', (v) => v > 0],
    ['wetMassPerArea', 'GT 0', (v) => v > 0],
    ['harvestMoisture', 'GT 0', (v) => v > 0],
    ['harvestMoisture', 'LT 100', (v) => v < 100],
  ];
  for (let i = 0; i < n; i++) {
    for (const [key, label, ok] of rules) {
      const v = num(features[i]!, key);
      mark(i, Number.isNaN(v) ? `cleanup: ${key} missing` : `cleanup: ${key} ${label}`, Number.isNaN(v) || !ok(v));
    }
    mark(i, 'cleanup: recordingStatus EQ On', !on[i]);
  }
  for (let i = 0; i < n; i++) mark(i, 'speed', speed[i]! < 0.5);

  // Passes: runs of working points without a gap over 10 s. Start and end times per point.
  const passStart = new Array<number>(n).fill(NaN);
  const passEnd = new Array<number>(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!on[i]) continue;
    const dt = i > 0 ? time[i]! - time[i - 1]! : Infinity;
    passStart[i] = i > 0 && on[i - 1] && dt >= 0 && dt <= 10_000 ? passStart[i - 1]! : time[i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    if (!on[i]) continue;
    const dt = i < n - 1 ? time[i + 1]! - time[i]! : Infinity;
    passEnd[i] = i < n - 1 && on[i + 1] && dt >= 0 && dt <= 10_000 ? passEnd[i + 1]! : time[i]!;
  }
  for (let i = 0; i < n; i++) mark(i, 'startPass', on[i]! && time[i]! - passStart[i]! < 4000);
  for (let i = 0; i < n; i++) mark(i, 'endPass', on[i]! && passEnd[i]! - time[i]! < 4000);
  for (let i = 0; i < n; i++) mark(i, 'minVelocity', speed[i]! < 0.9);
  for (let i = 0; i < n; i++) mark(i, 'maxVelocity', speed[i]! > 4.5);
  // Velocity change: cut the log into runs at every step longer than 10 s (or back in time); each
  // speed becomes the median of the records within `r` of it, where all 2r + 1 lie in its run; a
  // point is removed when its median differs by more than 20 % from the previous record's, both
  // medians being full. The card has one track (no sectionId).
  const run = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) {
    const dt = time[i]! - time[i - 1]!;
    run[i] = run[i - 1]! + (dt >= 0 && dt <= 10_000 ? 0 : 1);
  }
  const r = (medianPoints - 1) / 2;
  const full = (i: number) => i - r >= 0 && i + r < n && run[i - r] === run[i] && run[i + r] === run[i];
  const smooth = speed.map((_, i) => (full(i) ? medianOf(speed.slice(i - r, i + r + 1)) : NaN));
  for (let i = 1; i < n; i++) {
    const before = smooth[i - 1]!;
    mark(i, 'velocityChange', run[i] === run[i - 1] && before > 0 && Math.abs(smooth[i]! - before) / before > 0.2);
  }
  const widest = Math.max(...features.map((f) => num(f, 'equipmentWidth')).filter((w) => !Number.isNaN(w)));
  for (let i = 0; i < n; i++) mark(i, 'minSwath', num(features[i]!, 'equipmentWidth') < 0.5 * widest);
  for (let i = 1; i < n; i++) {
    const [lon1, lat1] = features[i - 1]!.geometry.coordinates;
    const [lon2, lat2] = features[i]!.geometry.coordinates;
    const dt = (time[i]! - time[i - 1]!) / 1000;
    mark(i, 'position', dt > 0 && haversine(lon1, lat1, lon2, lat2) / dt > 10);
  }

  // Statistics over the points still kept; yields to kg/ha (t/ha × 1000).
  const kept = reasons.flatMap((r, i) => (r === null ? [i] : []));
  const dry = (i: number) => num(features[i]!, 'dryMassPerArea') * 1000;
  const wet = (i: number) => num(features[i]!, 'wetMassPerArea') * 1000;
  const sorted = kept.map(dry).sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
  const minYield = rank(0.1) * 0.75;
  const maxYield = rank(0.99) * 1.25;
  const moments = (values: number[]) => {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    return { mean, sd: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
  };
  const w = moments(kept.map(wet));
  const d = moments(kept.map(dry));
  for (const i of kept) {
    mark(i, 'minYield', dry(i) < minYield);
    mark(i, 'maxYield', dry(i) > maxYield);
    mark(i, 'outliers', Math.abs(wet(i) - w.mean) > 3 * w.sd);
    mark(i, 'stdDev', Math.abs(dry(i) - d.mean) > 3 * d.sd);
  }
  return reasons;
}

function batches(features: Feature[], units: Map<StandardProperty, string>): () => AsyncIterable<PointBatch> {
  return async function* () {
    for (let start = 0; start < features.length; start += 1000) {
      const slice = features.slice(start, start + 1000);
      const batch = emptyBatch(slice.length, units.keys(), ['recordingStatus']);
      batch.length = slice.length;
      slice.forEach((f, i) => {
        batch.time[i] = Date.parse(f.properties.timestamp as string);
        [batch.lon[i], batch.lat[i]] = f.geometry.coordinates;
        for (const key of units.keys()) batch.numbers.get(key)![i] = num(f, key);
        batch.strings.get('recordingStatus')![i] = (f.properties.recordingStatus as string | undefined) ?? null;
      });
      yield batch;
    }
  };
}

const count = (list: (string | null)[]) => {
  const out: Record<string, number> = {};
  for (const r of list) if (r !== null) out[r] = (out[r] ?? 0) + 1;
  return out;
};

test('CCI forage harvester TSK1: removed counts per filter match a plain re-derivation from normalized.geojson', async () => {
  await withTempDir(async (dir) => {
    const report = await convertInput(sample('isoxml/cci-forage-harvester'), join(dir, 'out'), { units: 'default' });
    const op = report.operations.find((o) => o.dir.endsWith('/TSK1-harvested'));
    assert.ok(op, 'TSK1 was converted');
    const opDir = join(dir, 'out', op.dir);
    const normalized = JSON.parse(await readFile(join(opDir, 'normalized.geojson'), 'utf8')) as { features: Feature[] };
    const standard = JSON.parse(await readFile(join(opDir, 'standard.geojson'), 'utf8')) as { features: Feature[] };
    const unitsJson = JSON.parse(await readFile(join(opDir, 'units.json'), 'utf8')) as Record<string, string>;
    const features = normalized.features;
    // ORACLE.json: TLG00001 has 4,716 records, all with a valid position.
    assert.equal(features.length, 4716);

    // The speed is derived: wherever the previous record is 0–10 s earlier, speed = distance / Δt
    // (distance in m, from the positions).
    let derivedChecked = 0;
    for (let i = 1; i < features.length; i++) {
      const dt = (Date.parse(features[i]!.properties.timestamp as string) - Date.parse(features[i - 1]!.properties.timestamp as string)) / 1000;
      if (!(dt > 0 && dt <= 10)) continue;
      assert.ok(Math.abs(num(features[i]!, 'speed') - num(features[i]!, 'distance') / dt) < 1e-5, `speed of point ${i}`);
      derivedChecked++;
    }
    assert.ok(derivedChecked > 4000);

    const units = new Map(Object.entries(unitsJson)) as Map<StandardProperty, string>;
    // As the pipeline runs it on this card (no speed column: speedLogged false), then with
    // Yield Editor's rule (speedLogged true).
    for (const [speedLogged, medianPoints, velocityRemoved] of [
      [false, 3, 23],
      [true, 1, 330],
    ] as const) {
      const filterDir = join(dir, `filters-${speedLogged}`);
      const result = await writeFilteredOutputs(batches(features, units), 'harvested', units, filterDir, {}, { constants: [['operationType', 'harvested']], speedLogged });
      const annotated = JSON.parse(await readFile(join(filterDir, 'annotated.geojson'), 'utf8')) as { features: Feature[] };
      const filtered = JSON.parse(await readFile(join(filterDir, 'filtered.geojson'), 'utf8')) as { features: Feature[] };

      const expected = expectedReasons(features, unitsJson, medianPoints);
      const expectedCounts = count(expected);
      const actual = annotated.features.map((f) => f.properties.removedBy as string | null);
      assert.equal(result.total, 4716);
      assert.equal(annotated.features.length, 4716);
      for (const [name, n] of Object.entries(result.removedBy)) assert.equal(n, expectedCounts[name] ?? 0, `removed by ${name} (speedLogged ${speedLogged})`);
      assert.deepEqual(count(actual), expectedCounts);
      assert.deepEqual(actual, expected);
      // The figures FILTERS.md quotes: 330 points with Yield Editor's rule, 23 with medians of 3.
      assert.equal(result.removedBy.velocityChange, velocityRemoved);
      assert.equal(result.parameters.velocityChange!.appliedMedianPoints, medianPoints);
      assert.equal(result.kept, expected.filter((r) => r === null).length);
      assert.equal(filtered.features.length, result.kept);
      // The points the cleanup rules keep are exactly the pipeline's standard.geojson.
      assert.equal(actual.filter((r) => r === null || !r.startsWith('cleanup:')).length, standard.features.length);
      // Every filter of the set ran on this harvest: nothing skipped.
      assert.deepEqual(result.skipped, {});
      // The figures a reader can check in the parameters: full width 9 m (ORACLE max of DDI 0043).
      assert.equal(result.parameters.minSwath!.fullWidth, 9);
    }
  });
});

test('CCI forage harvester TSK1: a 12 s flow delay removes exactly the points with no record 12 s later', async () => {
  await withTempDir(async (dir) => {
    const report = await convertInput(sample('isoxml/cci-forage-harvester'), join(dir, 'out'), { units: 'default' });
    const op = report.operations.find((o) => o.dir.endsWith('/TSK1-harvested'))!;
    const opDir = join(dir, 'out', op.dir);
    const features = (JSON.parse(await readFile(join(opDir, 'normalized.geojson'), 'utf8')) as { features: Feature[] }).features;
    const units = new Map(Object.entries(JSON.parse(await readFile(join(opDir, 'units.json'), 'utf8')) as Record<string, string>)) as Map<StandardProperty, string>;
    const settings = { flowDelay: { seconds: 12 }, startPass: { enabled: false }, endPass: { enabled: false }, minVelocity: { enabled: false }, maxVelocity: { enabled: false } };
    const result = await writeFilteredOutputs(batches(features, units), 'harvested', units, join(dir, 'f'), settings);
    const annotated = (JSON.parse(await readFile(join(dir, 'f', 'annotated.geojson'), 'utf8')) as { features: Feature[] }).features;

    // Plain search: for each point kept by the cleanup rules and the speed rule, the first record
    // at or after t + 12 s must be at most 1 s later, else the point has no shifted yield.
    const time = features.map((f) => Date.parse(f.properties.timestamp as string));
    let expected = 0;
    let checked = 0;
    for (let i = 0; i < features.length; i++) {
      const removedBefore = annotated[i]!.properties.removedBy;
      if (typeof removedBefore === 'string' && (removedBefore.startsWith('cleanup:') || removedBefore === 'speed')) continue;
      let j = i + 1;
      while (j < features.length && time[j]! < time[i]! + 12_000) j++;
      const found = j < features.length && time[j]! - (time[i]! + 12_000) <= 1000;
      if (!found) expected++;
      else if (checked < 50) {
        // The point now carries the yield logged at j.
        assert.equal(annotated[i]!.properties.wetMassPerArea, features[j]!.properties.wetMassPerArea);
        checked++;
      }
    }
    assert.equal(result.removedBy.flowDelay, expected);
    assert.equal(checked, 50);
    assert.ok(expected > 0);
  });
});
