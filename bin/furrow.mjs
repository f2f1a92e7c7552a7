#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// A conversion allocates a few hundred MB per second of short-lived strings and point batches
// while its live heap stays near 100 MB. V8's default lets the heap grow up to 4× the live size
// between full collections: a 4 M-point conversion peaked at ~520 MiB RSS, mostly garbage.
// Doubling at most keeps it near 380 MiB for ~15 % more CPU (20 %: 330 MiB, +45 %; bench/README.md).
// Set before any worker thread starts: V8 flags are per process.
const growing = process.env.FURROW_HEAP_GROWING_PERCENT ?? '100';
if (!/^\d{1,3}$/.test(growing)) {
  process.stderr.write(`furrow: FURROW_HEAP_GROWING_PERCENT must be a whole number of percent (0 = V8's own policy), not "${growing}"\n`);
  process.exit(2);
}
if (growing !== '0') setFlagsFromString(`--heap-growing-percent=${growing}`);

// Runs the TypeScript sources through tsx so that `npx furrow` works right after `npm ci`, with no build step.
register();
await import('../src/cli/main.ts');
