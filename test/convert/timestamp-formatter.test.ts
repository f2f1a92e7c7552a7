import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimestampFormatter } from '../../src/convert/geojson-writer.ts';

/*
 * The formatter caches the date-time per minute; its output must be exactly what Date gives for
 * the time rounded to the millisecond (the reference: `new Date(Math.round(t)).toISOString()`).
 */

const reference = (t: number) => new Date(Math.round(t)).toISOString();

test('1 Hz, 5 Hz and irregular logs across minute, hour, day and year boundaries match Date', () => {
  const f = new TimestampFormatter();
  const start = Date.UTC(2023, 11, 31, 23, 58, 30, 250);
  for (let t = start; t < start + 200_000; t += 200) assert.equal(f.format(t), reference(t));
  for (let t = start; t < start + 200_000; t += 1000) assert.equal(f.format(t), reference(t));
  // Irregular steps, backwards jumps and fractional milliseconds (some logs keep microseconds).
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < 20_000; k++) {
    const t = start + random() * 400_000 - 100_000 + (random() < 0.3 ? random() : 0);
    assert.equal(f.format(t), reference(t), `t = ${t}`);
  }
});

test('a fraction that rounds up to the next second, or the next minute, carries over', () => {
  const f = new TimestampFormatter();
  const t = Date.UTC(2024, 4, 1, 12, 30, 15, 999) + 0.6;
  assert.equal(f.format(t), '2024-05-01T12:30:16.000Z');
  const u = Date.UTC(2024, 4, 1, 12, 30, 59, 999) + 0.7;
  assert.equal(f.format(u), '2024-05-01T12:31:00.000Z');
  assert.equal(f.format(Date.UTC(2024, 4, 1, 12, 30, 59, 999)), '2024-05-01T12:30:59.999Z');
});
