import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderedId } from '../../src/store/ordered-id.ts';

test('ids are version 7 UUIDs in creation order, even thousands within one millisecond', () => {
  const ids = Array.from({ length: 10_000 }, () => orderedId());
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  const ms = parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
  assert.ok(Math.abs(ms - Date.now()) < 5000, 'the first 48 bits are the time');
});
