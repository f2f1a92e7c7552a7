import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InspectReport } from '../../src/cli/inspect.ts';
import { runFurrow } from '../helpers/cli.ts';
import { sample } from '../helpers/samples.ts';

/*
 * Expected figures from shared/samples/SOURCES-other.md: the planting run is 1 `.jdl` of 92 frames
 * whose session starts 2017-09-22 15:53:22 UTC (the header's ms-epoch start time, formats.md §2.2).
 * The frame marker 0x0D and uint32 LE lengths make the first frame start at byte 0 and the next one
 * at 5 + its length. The display serial and crop are strings visible in the header bytes.
 */
const PLANTING_ZIP = sample('jd-gen4', 'planting-22sep-run2', 'gen4-4600-planting-data.zip');
const PLANTING_JDL = 'JD-Data/log/2017_22sep sp run2/2017_09_22_[15_53]_{edb5ff90-ecd2-4680-80d1-fdb6c5804346}.jdl';

test('furrow inspect --json reads a .jdl inside a zip: frames, kinds and field paths', async () => {
  const result = await runFurrow(['inspect', `${PLANTING_ZIP}!/${PLANTING_JDL}`, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as InspectReport;
  assert.equal(report.error, undefined);
  assert.equal(report.frames.length, 92);
  assert.equal(report.frames[0]!.offset, 0);
  assert.equal(report.frames[1]!.offset, 5 + report.frames[0]!.length);
  // Kind 3 (version) first, then the header, then data chunks, then a trailer.
  assert.deepEqual(report.frames.slice(0, 2).map((f) => f.kind), [3, 1]);
  assert.equal(report.frames.at(-1)!.kind, 4);
  assert.equal(report.framesPerKind['2'], 89);
  const start = report.paths.find((p) => p.path === '5.3');
  assert.ok(start?.min !== undefined && start.kinds.varint === 1);
  assert.equal(new Date(start.min).toISOString().slice(0, 19), '2017-09-22T15:53:22');
  const crop = report.paths.find((p) => p.path === '5.21.1.2');
  assert.deepEqual(crop?.examples, ['Soybeans']);
});

test('furrow inspect text output and failures', async () => {
  const ok = await runFurrow(['inspect', `${PLANTING_ZIP}!/${PLANTING_JDL}`, '--kinds', '1']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /92 frames/);
  assert.match(ok.stdout, /^5\.5 {2}len {2}string {2}×1 .*"PCGUPSA601130"$/m);
  // Only header paths were collected.
  assert.doesNotMatch(ok.stdout, /^4\.9/m);

  const missing = await runFurrow(['inspect', `${PLANTING_ZIP}!/nope.jdl`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no entry 'nope\.jdl'/);

  // A file that is not a frame chain (a zip starts with "PK") stops at frame 0 with the reason.
  const notJdl = await runFurrow(['inspect', PLANTING_ZIP]);
  assert.equal(notJdl.code, 1);
  assert.match(notJdl.stdout, /stopped: frame 0 at byte 0 starts with 0x50, not 0x0d/);
});
