import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFurrow } from '../helpers/cli.ts';

/*
 * FURROW_HEAP_GROWING_PERCENT is read by bin/furrow.mjs before anything else runs (V8 flags are
 * per process). What it does to memory is measured in bench/ (bench/README.md), not here: here,
 * that good values start the command and a bad one stops it with a message naming the variable.
 */

test('a whole number of percent (0 = V8’s own policy) starts furrow', async () => {
  for (const value of ['0', '20', '100']) {
    const result = await runFurrow(['--help'], { FURROW_HEAP_GROWING_PERCENT: value });
    assert.equal(result.code, 0, `${value}: ${result.stderr}`);
    assert.match(result.stdout, /Usage: furrow/);
  }
});

test('anything else stops furrow with exit code 2 and says which variable is wrong', async () => {
  for (const value of ['x', '-5', '1.5', '5000']) {
    const result = await runFurrow(['--help'], { FURROW_HEAP_GROWING_PERCENT: value });
    assert.equal(result.code, 2, value);
    assert.match(result.stderr, new RegExp(`FURROW_HEAP_GROWING_PERCENT must be a whole number of percent .*"${value.replace('.', '\\.')}"`));
    assert.equal(result.stdout, '');
  }
});
