import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { PointBatch } from '../../../src/model/batch.ts';
import { parseTimeLogHeader, type TimeLogHeader } from '../../../src/formats/isoxml/timelog-header.ts';
import { decodeTimeLog, TimeLogDecoder, type DecodeSpec } from '../../../src/formats/isoxml/timelog.ts';
import { chunked } from './helpers.ts';

/** TLG header: time, north, east, status in each record; two DLVs. */
const HEADER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<TIM A="" D="4"><PTN A="" B="" D=""/><DLV A="0054" B="" C="DET-1"/><DLV A="0043" B="" C="DET-1"/></TIM>`;

const DAY_2020_01_02 = (Date.UTC(2020, 0, 2) - Date.UTC(1980, 0, 1)) / 86_400_000;

interface Rec {
  ms: number;
  days?: number;
  north?: number;
  east?: number;
  status?: number;
  values?: [number, number][];
}

function record({ ms, days = DAY_2020_01_02, north = 545000000, east = 102000000, status = 4, values = [] }: Rec): Buffer {
  const b = Buffer.alloc(6 + 4 + 4 + 1 + 1 + values.length * 5);
  b.writeUInt32LE(ms, 0);
  b.writeUInt16LE(days, 4);
  b.writeInt32LE(north, 6);
  b.writeInt32LE(east, 10);
  b.writeUInt8(status, 14);
  b.writeUInt8(values.length, 15);
  values.forEach(([index, value], k) => {
    b.writeUInt8(index, 16 + k * 5);
    b.writeInt32LE(value, 17 + k * 5);
  });
  return b;
}

async function header(): Promise<TimeLogHeader> {
  return parseTimeLogHeader(Readable.from([Buffer.from(HEADER_XML)]), 'TLG00001.XML');
}

function spec(h: TimeLogHeader, batchSize?: number): DecodeSpec {
  return {
    fileName: 'TLG00001.BIN',
    header: h,
    columnKeys: ['yield', 'width', 'gpsStatus'],
    values: { column: Int32Array.from([0, 1]), scale: Float64Array.from([1, 0.001]), offset: new Float64Array(2) },
    positionColumns: { gpsStatus: 2 },
    batchSize,
  };
}

async function decode(bytes: Uint8Array, chunkSize = 1 << 16, batchSize?: number) {
  const decoder = new TimeLogDecoder(spec(await header(), batchSize));
  const batches: PointBatch[] = [];
  for await (const batch of decodeTimeLog(chunked(bytes, chunkSize), decoder)) batches.push(batch);
  const rows = batches.flatMap((b) =>
    Array.from({ length: b.length }, (_, i) => ({ t: b.time[i]!, lat: b.lat[i]!, lon: b.lon[i]!, yield: b.numbers.get('yield')![i]!, width: b.numbers.get('width')![i]!, status: b.numbers.get('gpsStatus')![i]! })),
  );
  return { decoder, batches, rows };
}

const T0 = Date.UTC(2020, 0, 2);

const SAMPLE = Buffer.concat([
  record({ ms: 1000 }),
  record({ ms: 2000, values: [[1, 6000]] }),
  record({ ms: 3000, values: [[0, 123456]] }),
  record({ ms: 4000 }),
  record({ ms: 5000, values: [[0, -5], [1, 7500]] }),
]);

test('values logged on change are carried forward; NaN before the first one; UTC times, 1e-7 degrees', async () => {
  const { rows, decoder } = await decode(SAMPLE);
  assert.equal(decoder.stats.records, 5);
  assert.deepEqual(
    rows.map((r) => [r.t - T0, r.yield, r.width]),
    [
      [1000, NaN, NaN],
      [2000, NaN, 6],
      [3000, 123456, 6],
      [4000, 123456, 6],
      [5000, -5, 7.5],
    ],
  );
  assert.equal(rows[0]!.lat, 54.5);
  assert.equal(rows[0]!.lon, 10.2);
  assert.equal(rows[0]!.status, 4);
  assert.deepEqual(decoder.warnings, []);
});

test('chunks of any size give the same points', async () => {
  const whole = await decode(SAMPLE);
  for (const size of [1, 2, 3, 5, 7, 15, 16, 17, 33, 64]) {
    const { rows, decoder } = await decode(SAMPLE, size);
    assert.deepEqual(rows, whole.rows, `chunks of ${size} bytes`);
    assert.deepEqual(decoder.warnings, []);
  }
});

test('batches are cut at the batch size and only the last one is short', async () => {
  const many = Buffer.concat(Array.from({ length: 10 }, (_, i) => record({ ms: 1000 * (i + 1), values: [[0, i]] })));
  const { batches, rows } = await decode(many, 7, 4);
  assert.deepEqual(
    batches.map((b) => b.length),
    [4, 4, 2],
  );
  assert.equal(batches[2]!.time.length, 2, 'the last batch is trimmed');
  assert.deepEqual(
    rows.map((r) => r.yield),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

test('a truncated file keeps its whole records and says how many bytes were ignored', async () => {
  const cut = SAMPLE.subarray(0, SAMPLE.length - 3);
  for (const size of [1, 4, 1024]) {
    const { rows, decoder } = await decode(cut, size);
    assert.equal(rows.length, 4);
    assert.deepEqual(decoder.warnings, ['TLG00001.BIN ends mid-record after 4 records; the last 23 bytes were ignored']);
  }
});

test('a DLV index beyond the header stops the read when nothing valid follows; the records before are kept', async () => {
  const broken = Buffer.concat([record({ ms: 1000, values: [[0, 1]] }), record({ ms: 2000, values: [[7, 1]] }), Buffer.alloc(40, 0xff)]);
  const { rows, decoder } = await decode(broken, 3);
  assert.equal(rows.length, 1);
  assert.equal(decoder.stats.stopped, true);
  assert.match(decoder.warnings[0]!, /record 2 at byte 21 is broken \(DLV index 7 but the header lists 2\) and no valid records follow it; the 1 records before it were kept/);
});

test('an impossible date stops the read with a warning', async () => {
  const broken = Buffer.concat([record({ ms: 1000 }), record({ ms: 2000, days: 60_000 }), record({ ms: 3000, days: 60_000 })]);
  const { rows, decoder } = await decode(broken);
  assert.equal(rows.length, 1);
  assert.match(decoder.warnings[0]!, /impossible time stamp: day 60000/);
  const late = await decode(Buffer.concat([record({ ms: 1000 }), record({ ms: 90_000_000 })]));
  assert.equal(late.rows.length, 1);
  assert.match(late.decoder.warnings[0]!, /90000000 ms since midnight/);
});

test('the midnight rollover written as 86 400 000 ms of the old day is a valid time', async () => {
  // As in the CCI sample's TLG00019: 23:59:59, then 86 400 000 ms of the same day, then 00:00:01 of the next.
  const rollover = Buffer.concat([record({ ms: 86_399_000 }), record({ ms: 86_400_000 }), record({ ms: 1000, days: DAY_2020_01_02 + 1 })]);
  const { rows, decoder } = await decode(rollover);
  assert.deepEqual(
    rows.map((r) => new Date(r.t).toISOString()),
    ['2020-01-02T23:59:59.000Z', '2020-01-03T00:00:00.000Z', '2020-01-03T00:00:01.000Z'],
  );
  assert.deepEqual(decoder.warnings, []);
});

test('a clock change confirmed by the records after it is kept; a lone record far off in time is skipped', async () => {
  const later = (ms: number) => record({ ms, days: DAY_2020_01_02 - 3 });
  const clockChange = Buffer.concat([record({ ms: 1000 }), record({ ms: 2000 }), later(5000), later(6000), later(7000), later(8000), later(9000)]);
  const changed = await decode(clockChange, 5);
  assert.equal(changed.rows.length, 7);
  assert.deepEqual(changed.decoder.warnings, []);

  const lone = Buffer.concat([record({ ms: 1000 }), record({ ms: 2000 }), later(5000), ...[3000, 4000, 5000, 6000, 7000].map((ms) => record({ ms }))]);
  const skipped = await decode(lone, 5);
  assert.deepEqual(
    skipped.rows.map((r) => r.t - T0),
    [1000, 2000, 3000, 4000, 5000, 6000, 7000],
  );
  assert.equal(skipped.decoder.stats.skippedBytes, 16);
  assert.match(skipped.decoder.warnings[0]!, /record 3 at byte 32 is broken \(time stamp 2019-12-30T00:00:05.000Z is more than a day from the previous record's/);
});

test('stray bytes between records are skipped when valid records follow in time order', async () => {
  // The KRONE TLG0006 pattern: a record, a lone DLV pair (5 bytes), then whole records.
  const stray = Buffer.concat([record({ ms: 1000 }), Buffer.from([0x00, 0x4f, 0x00, 0x00, 0x00]), ...Array.from({ length: 6 }, (_, i) => record({ ms: 2000 + i * 500, values: [[0, i]] }))]);
  for (const size of [1, 6, 4096]) {
    const { rows, decoder } = await decode(stray, size);
    assert.equal(rows.length, 7, `chunks of ${size}`);
    assert.equal(decoder.stats.skippedBytes, 5);
    assert.match(decoder.warnings[0]!, /record 2 at byte 16 is broken .*; skipped 5 bytes to byte 21/);
  }
});

test('invalid positions are dropped and counted: 0/0, no fix, error, and status 15 once real fixes were seen', async () => {
  const bytes = Buffer.concat([
    record({ ms: 1000, north: 0, east: 0, values: [[0, 10]] }),
    record({ ms: 2000, status: 15 }), // kept: no real status seen yet
    record({ ms: 3000, status: 0 }),
    record({ ms: 4000, status: 14 }),
    record({ ms: 5000, status: 4 }),
    record({ ms: 6000, status: 15 }), // dropped: the receiver reports fixes, 15 now means none
    record({ ms: 7000, status: 2 }),
  ]);
  const { rows, decoder } = await decode(bytes);
  assert.deepEqual(
    rows.map((r) => [r.t - T0, r.status, r.yield]),
    [
      [2000, 15, 10],
      [5000, 4, 10],
      [7000, 2, 10],
    ],
    'values logged at a dropped point still carry forward',
  );
  assert.equal(decoder.stats.invalidPositions, 4);
  assert.ok(decoder.warnings.some((w) => w === 'TLG00001.BIN: 4 of 7 records had no valid position (0/0, no GNSS fix, GNSS error, or status "not available" after real fixes) and were dropped'));
});

test('random bytes never throw and never hang', async () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let n = 0; n < 20; n++) {
    const bytes = Buffer.from(Array.from({ length: 2000 + Math.floor(random() * 30000) }, () => Math.floor(random() * 256)));
    const started = Date.now();
    const { decoder } = await decode(Buffer.concat([SAMPLE, bytes]), 1 + Math.floor(random() * 5000));
    assert.ok(decoder.stats.records >= 5);
    assert.ok(decoder.warnings.length > 0);
    assert.ok(Date.now() - started < 5000, 'finished quickly');
  }
});

test('garbage fed one byte at a time finishes promptly (the resynchronisation search resumes, it does not restart)', async () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const garbage = Buffer.from(Array.from({ length: 40_000 }, () => Math.floor(random() * 256)));
  const started = Date.now();
  const { decoder } = await decode(Buffer.concat([SAMPLE, garbage]), 1);
  assert.ok(decoder.stats.records >= 5);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});

test('a stream that fails part way keeps the records read before, with a warning', async () => {
  const decoder = new TimeLogDecoder(spec(await header()));
  async function* failing() {
    yield SAMPLE.subarray(0, 40);
    throw new Error('invalid stored block lengths');
  }
  let points = 0;
  for await (const batch of decodeTimeLog(failing(), decoder)) points += batch.length;
  assert.equal(points, 2);
  assert.deepEqual(decoder.warnings, ['TLG00001.BIN: reading failed after 2 records (invalid stored block lengths); the records before were kept']);
});

test('a header that logs no time stamp per record yields no points and says why', async () => {
  const h = await parseTimeLogHeader(Readable.from([Buffer.from('<TIM D="4"><PTN A="" B=""/></TIM>')]), 'TLG00002.XML');
  const decoder = new TimeLogDecoder({ ...spec(h), fileName: 'TLG00002.BIN' });
  let points = 0;
  for await (const batch of decodeTimeLog(chunked(SAMPLE, 8), decoder)) points += batch.length;
  assert.equal(points, 0);
  assert.match(decoder.warnings[0]!, /does not log a time stamp per record/);
});
