import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import { resolveOptions } from '../../../src/convert/filters/options.ts';
import { planFilters } from '../../../src/convert/filters/plan.ts';
import { PointRing } from '../../../src/convert/filters/ring.ts';
import { LookAheadWindow } from '../../../src/convert/filters/window.ts';
import { UNITS } from './series.ts';

/*
 * The look-ahead window keeps its points in a ring of typed arrays (ring.ts). These tests make a
 * ring of 4 slots wrap around and grow while points are held, and check that every point's values
 * and links come back by sequence number.
 */

test('PointRing: slots wrap modulo the capacity; growing keeps the held points, wrapped ones included', () => {
  const ring = new PointRing(['a', 'b'], ['s'], 2, 4);
  assert.deepEqual([0, 3, 4, 5, 9, 2 ** 32 + 1].map((seq) => ring.slot(seq)), [0, 3, 0, 1, 1, 1]);
  // Hold sequence numbers 2..5: in 4 slots they sit at 2, 3, 0, 1 (4 and 5 have wrapped).
  const put = (seq: number) => {
    const s = ring.slot(seq);
    ring.store.time[s] = seq * 1000;
    ring.store.lon[s] = seq + 0.25;
    ring.store.lat[s] = -seq;
    ring.values[0]![s] = seq * 10;
    ring.values[1]![s] = seq * 100;
    ring.texts[0]![s] = `s${seq}`;
    ring.track[s] = seq % 2;
    ring.on[s] = seq % 2;
    ring.passStart[s] = seq - 1;
    ring.next[s] = seq + 1;
    ring.speed[s] = seq / 2;
    ring.impliedSpeed[s] = seq / 4;
    ring.earlier[s * 2] = seq + 0.1;
    ring.earlier[s * 2 + 1] = seq + 0.2;
    ring.earlierCount[s] = 2;
    ring.cleanup[s] = `c${seq}`;
    ring.removedBy[s] = `r${seq}`;
  };
  for (let seq = 2; seq < 6; seq++) put(seq);
  ring.grow(2, 6);
  assert.equal(ring.capacity, 8);
  // In 8 slots, 2..5 sit at slots 2..5: every column must have followed.
  for (let seq = 2; seq < 6; seq++) {
    const s = ring.slot(seq);
    assert.equal(s, seq);
    assert.deepEqual(
      [ring.store.time[s], ring.store.lon[s], ring.store.lat[s], ring.values[0]![s], ring.values[1]![s], ring.texts[0]![s]],
      [seq * 1000, seq + 0.25, -seq, seq * 10, seq * 100, `s${seq}`],
    );
    assert.deepEqual(
      [ring.track[s], ring.on[s], ring.passStart[s], ring.next[s], ring.speed[s], ring.impliedSpeed[s], ring.earlier[s * 2], ring.earlier[s * 2 + 1], ring.earlierCount[s], ring.cleanup[s], ring.removedBy[s]],
      [seq % 2, seq % 2, seq - 1, seq + 1, seq / 2, seq / 4, seq + 0.1, seq + 0.2, 2, `c${seq}`, `r${seq}`],
    );
  }
  // The serializer reads the ring through `store`: it must see the new columns, not the old ones.
  assert.equal(ring.store.numbers.get('a'), ring.values[0]);
  assert.equal(ring.store.numbers.get('b'), ring.values[1]);
  assert.equal(ring.store.strings.get('s'), ring.texts[0]);
  assert.throws(() => new PointRing([], [], 0, 6), /power of two/);
});

/** 1 Hz points from t = `from` s, speed t + 1 m/s, working, one track. */
function batchOf(from: number, count: number): PointBatch {
  const batch = emptyBatch(count, UNITS.keys(), ['recordingStatus']);
  batch.length = count;
  for (let i = 0; i < count; i++) {
    const t = from + i;
    batch.time[i] = t * 1000;
    batch.lon[i] = t * 1e-5;
    batch.lat[i] = 0;
    batch.numbers.get('speed')![i] = t + 1;
    batch.strings.get('recordingStatus')![i] = 'On';
  }
  return batch;
}

test('LookAheadWindow: releases by the horizon and keeps links and earlier speeds across the ring wrapping and growing', () => {
  // Derived speed: medians of 3, so each point carries its 2 earlier speeds (r + 1, r = 1).
  const plan = planFilters('harvested', UNITS, resolveOptions(), false);
  const window = new LookAheadWindow(plan, 2, ['recordingStatus'], 4);
  const none: (string | null)[] = [null, null, null];
  // Horizon 2 s: point t is released once a point later than t + 2 s has arrived.
  assert.deepEqual(window.push(batchOf(0, 3), none), { from: 0, to: 0 }); // latest 2: none yet
  // Points 0..3 fill the 4 slots, so point 4 makes the ring grow to 8. Latest 5: t ≤ 2 go.
  assert.deepEqual(window.push(batchOf(3, 3), none), { from: 0, to: 3 });
  assert.equal(window.ring.capacity, 8);
  // Point 1 + 2 s is point 3, linked before the ring grew (0 s tolerance: exactly it).
  assert.equal(window.pointAfter(1, 2, 0), 3);
  assert.equal(window.pointAfter(2, 2.5, 0), -1); // 4.5 s: nothing within 0 s; point 5 is 0.5 s late
  assert.equal(window.pointAfter(2, 2.5, 0.5), 5);
  // Latest 8: points 3..5 go; 6..8 stay, point 8 in slot 0 (wrapped in 8 slots).
  assert.deepEqual(window.push(batchOf(6, 3), none), { from: 3, to: 6 });
  assert.equal(window.ring.slot(8), 0);
  assert.equal(window.ring.capacity, 8);
  assert.equal(window.ring.speed[window.ring.slot(8)], 9);
  // Point 7's run: its 2 earlier speeds (points 5, 6: 6 and 7 m/s, point 5 already released), itself, 1 after.
  const n = window.speedRun(7, 2, 1, 10);
  assert.deepEqual([...window.series.subarray(0, n)], [6, 7, 8, 9]);
  assert.equal(window.seriesAt, 2);
  // The pass runs on to point 8 (1 s after 7) and the look-ahead stops there: 1 s to its end.
  assert.equal(window.secondsToPassEnd(7, 10, 4), 1);
  assert.deepEqual(window.push(batchOf(9, 3), none), { from: 6, to: 9 });
  assert.deepEqual(window.finish(), { from: 9, to: 12 });
  // Nothing is left; the next point after 11 never came.
  assert.equal(window.pointAfter(11, 1, 1), -1);
  assert.equal(window.secondsToPassEnd(9, 10, 4), 2);
});
