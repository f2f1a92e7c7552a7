import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProblem } from '../../src/api/problem.ts';
import { fileQuery, parseSort } from '../../src/api/files/query.ts';

test('sort keys keep their order, take a direction each, and end with id for stable pages', () => {
  assert.deepEqual(parseSort(['createdTime,desc', 'fileName']), [
    { field: 'createdTime', direction: 'desc' },
    { field: 'fileName', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ]);
});

test('Spring style: several fields share one direction; the first mention of a field wins', () => {
  assert.deepEqual(parseSort(['provider,fileName,DESC', 'provider,asc']), [
    { field: 'provider', direction: 'desc' },
    { field: 'fileName', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ]);
});

test('without sort: oldest first', () => {
  assert.deepEqual(parseSort(undefined), [
    { field: 'createdTime', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ]);
});

test('an unknown sort field is a 400 naming the allowed ones', () => {
  assert.throws(() => parseSort(['area,desc']), (error: unknown) => error instanceof ApiProblem && error.status === 400 && /fileName/.test(error.detail));
});

test('instants are compared in UTC; page size is capped at 100', () => {
  const query = fileQuery('owner', { createdTime: '2024-05-01T02:00:00+02:00', size: 1000, page: 3 });
  assert.equal(query.createdTime, '2024-05-01T00:00:00.000Z');
  assert.equal(query.size, 100);
  assert.equal(query.page, 3);
});
