import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCoordinate, formatValue } from '../../../src/convert/geojson-writer.ts';
import { PointFeatureSerializer } from '../../../src/convert/point-features.ts';
import { ByteChunk, PointFeatureEncoder, writeCoordinate, writeValue } from '../../../src/convert/table/feature-encoder.ts';
import { emptyBatch } from '../../../src/model/batch.ts';
import { mulberry32 } from '../../../bench/random.ts';

/** The encoder must write exactly what the string serializer makes: the reference is the serializer itself (and String). */
const written = (write: (out: ByteChunk, v: number) => void, v: number) => {
  const out = new ByteChunk(4);
  write(out, v);
  return out.buffer.toString('latin1', 0, out.length);
};

const EDGES = [
  0, -0, 1, -1, 0.5e-6, 0.49e-6, -0.5e-6, 1e-6, -1e-6, 1.5e-6, 1e-7, 5e-7, -5e-7, 9.9e-7, 0.1, 0.30000000000000004, 1 / 3, -2 / 3, 123456.7890125,
  999999.9999995, 1e8, 1e9 - 1e-6, 1e9, 999999999.999999, 1e15, 1e20, 1e21, 1e22, -1e21, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity,
  4.35, 10.2119904, 54.5822941, -93.0000001, 180, -180, 0.000001, 0.0000015, 12345678.1234567,
];

test('numbers and coordinates are written as formatValue and formatCoordinate write them', () => {
  for (const v of EDGES) {
    assert.equal(written(writeValue, v), formatValue(v), `value ${v}`);
    assert.equal(written(writeCoordinate, v), formatCoordinate(v), `coordinate ${v}`);
  }
  const random = mulberry32(7);
  for (let n = 0; n < 2_000_000; n++) {
    // Magnitudes from 1e-9 to 1e16, both signs, and values on the rounding boundaries.
    const magnitude = 10 ** (Math.floor(random() * 26) - 9);
    const base = (random() - 0.5) * 2 * magnitude;
    const v = n % 4 === 0 ? (Math.round(base * 1e6) + 0.5) / 1e6 : n % 4 === 1 ? (Math.round(base * 1e7) + 0.5) / 1e7 : base;
    const value = written(writeValue, v);
    if (value !== formatValue(v)) assert.fail(`value ${v}: ${value} vs ${formatValue(v)}`);
    const coordinate = written(writeCoordinate, v);
    if (coordinate !== formatCoordinate(v)) assert.fail(`coordinate ${v}: ${coordinate} vs ${formatCoordinate(v)}`);
  }
});

test('features are byte-identical to PointFeatureSerializer, with missing values, text, constants and odd times', () => {
  const random = mulberry32(11);
  const n = 50_000;
  const batch = emptyBatch(n, ['a', 'b', 'wet"Mass'], ['recordingStatus', 'note']);
  batch.length = n;
  const t0 = Date.UTC(2024, 9, 5, 7);
  const texts = ['On', 'Off', 'é "quoted" \\ back', '😀\u0001\n', ''];
  for (let i = 0; i < n; i++) {
    // Whole seconds, fractions of a millisecond, carries into the next second and minute, years before 1970.
    batch.time[i] = i % 5 === 0 ? t0 + i * 1000 : i % 5 === 1 ? t0 + i * 999.9996 : i % 5 === 2 ? t0 + i * 60_000 - 0.3 : i % 5 === 3 ? -86_400_000 * 365 + i * 123.4567 : t0 + random() * 1e10;
    batch.lon[i] = (random() - 0.5) * 360;
    batch.lat[i] = (random() - 0.5) * 180;
    batch.numbers.get('a')![i] = i % 7 === 0 ? NaN : (random() - 0.5) * 10 ** Math.floor(random() * 10 - 3);
    batch.numbers.get('b')![i] = i % 9 === 0 ? Infinity : Math.round(random() * 100);
    batch.numbers.get('wet"Mass')![i] = random();
    batch.strings.get('recordingStatus')![i] = i % 6 === 0 ? null : texts[i % texts.length]!;
    batch.strings.get('note')![i] = i % 3 === 0 ? `note ${i}` : null;
  }
  const layout = { timeKey: 'timestamp', numbers: ['a', 'missing', 'b', 'wet"Mass'], strings: ['recordingStatus', 'absent', 'note'], constants: [['operationType', 'harvested'], ['crop', 'maïs']] as [string, string][] };
  const serialize = new PointFeatureSerializer(layout).bind(batch);
  const encode = new PointFeatureEncoder(layout).bind(batch);
  const out = new ByteChunk(16);
  const ending = Buffer.from(',"removedBy":null}}');
  for (let i = 0; i < n; i++) {
    out.length = 0;
    encode(out, i);
    const expected = serialize(i);
    const got = out.buffer.toString('utf8', 0, out.length);
    if (got !== expected) assert.fail(`point ${i}:\n${got}\n${expected}`);
    out.length = 0;
    encode(out, i, ending);
    assert.equal(out.buffer.toString('utf8', 0, out.length), expected.slice(0, -2) + ',"removedBy":null}}');
  }
});

test("applied points' products are byte-identical too, and parse to Leaf's shape: the rate on the metered product only, none where the rate is missing", () => {
  const n = 2_000;
  const batch = emptyBatch(n, ['appliedRate'], []);
  batch.length = n;
  for (let i = 0; i < n; i++) {
    batch.time[i] = Date.UTC(2024, 4, 1) + i * 1000;
    batch.lon[i] = 8 + i * 1e-5;
    batch.lat[i] = 52;
    batch.numbers.get('appliedRate')![i] = i % 10 === 0 ? NaN : 100 + i / 7;
  }
  const parts = [{ name: 'Tank "Mix" 1' }, { name: 'Water', type: 'Carrier' as const }, { name: 'AMS', type: 'Component' as const }];
  const cases = [
    { parts, metered: 0 },
    { parts: [{ name: 'yy' }], metered: 0 },
    // Two products and no word of which one the rate meters: names only.
    { parts: [{ name: 'A' }, { name: 'B' }], metered: -1 },
  ];
  for (const { parts: list, metered } of cases) {
    const layout = { timeKey: 'timestamp', numbers: ['appliedRate'], strings: [], products: { parts: list, metered, rateKey: 'appliedRate', rateUnit: 'L/ha' }, constants: [['operationType', 'applied']] as [string, string][] };
    const serialize = new PointFeatureSerializer(layout).bind(batch);
    const encode = new PointFeatureEncoder(layout).bind(batch);
    const out = new ByteChunk(16);
    for (let i = 0; i < n; i++) {
      out.length = 0;
      encode(out, i);
      const expected = serialize(i);
      if (out.buffer.toString('utf8', 0, out.length) !== expected) assert.fail(`point ${i}: ${out.buffer.toString('utf8', 0, out.length)} vs ${expected}`);
      const properties = (JSON.parse(expected) as { properties: Record<string, unknown> }).properties;
      const rate = batch.numbers.get('appliedRate')![i]!;
      const want = list.map((p, k) => ({ ...p, ...(k === metered && Number.isFinite(rate) ? { rate: { value: Number(formatValue(rate)), unit: 'L/ha' } } : {}) }));
      assert.deepEqual(properties.products, want, `point ${i}`);
      assert.equal(properties.operationType, 'applied');
    }
  }
});
