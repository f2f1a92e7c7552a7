#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// FURROW_HEAP_GROWING_PERCENT bounds how far V8 lets the heap grow between full collections. A
// conversion's live heap stays near 100 MB while it allocates fast; V8's own policy (the default,
// 0) lets the heap grow to ~4× that: a 4 M-point conversion peaks at ~430 MiB RSS; 100 (double at
// most) gives ~390 MiB for ~15 % more CPU (bench/README.md). Set before any worker thread starts:
// V8 flags are per process.
const growing = process.env.FURROW_HEAP_GROWING_PERCENT ?? '0';
if (!/^\d{1,3}$/.test(growing)) {
  process.stderr.write(`furrow: FURROW_HEAP_GROWING_PERCENT must be a whole number of percent (0 = V8's own policy), not "${growing}"\n`);
  process.exit(2);
}
if (growing !== '0') setFlagsFromString(`--heap-growing-percent=${growing}`);

// Runs the TypeScript sources through tsx so that `npx furrow` works right after `npm ci`, with no build step.
register();
await import('../src/cli/main.ts');
