import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange } from '../../src/api/files/range.ts';

test('a closed, an open and a suffix range', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
});

test('an end past the file is cut to the last byte; a suffix longer than the file is the whole file', () => {
  assert.deepEqual(parseRange('bytes=50-500', 100), { kind: 'partial', start: 50, end: 99 });
  assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
});

test('a range starting past the end, or an empty suffix, cannot be satisfied', () => {
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
});

test('no header, a malformed one, a reversed range or several ranges: the whole file', () => {
  for (const header of [undefined, '', 'bytes=', 'bytes=-', 'items=0-1', 'bytes=5-1', 'bytes=0-1,5-6', 'bytes=a-b']) {
    assert.deepEqual(parseRange(header, 100), { kind: 'full' }, String(header));
  }
});
