import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { checkFrameChain } from '../../../src/formats/jd-gen4/frames.ts';
import { jdGen4Driver } from '../../../src/formats/jd-gen4/driver.ts';
import type { ArchiveEntry, OperationSource } from '../../../src/formats/types.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * Expected figures: file counts, frame counts and session start times are those of
 * shared/samples/SOURCES-other.md (measured there from the header frames with an independent
 * script); names (field, farm, crop, machine) are the strings visible in the header bytes
 * (`strings` on the .jdl) and in the paired Operations Center export's file names
 * ("Test-LabSim Fields-Jen-3-Corn", "22sep sp run2-Soybeans", "Tank Mix Rate-Tank Mix").
 */

const HARVEST = sample('jd-gen4', 'harvest-labsim-jen3', 'gen4-4600-harvest-data.zip');
const PLANTING = sample('jd-gen4', 'planting-22sep-run2', 'gen4-4600-planting-data.zip');
const APPLICATION = sample('jd-gen4', 'application-2017', 'gen4-4600-application-data.zip');
const TILLAGE = sample('jd-gen4', 'tillage-2016', 'gen4-4600-tillage-data.zip');

interface Found {
  roots: string[];
  files: number;
  operations: OperationSource[];
}

async function read(input: string): Promise<Found> {
  const archive = await openArchive(input);
  try {
    const datasets = await jdGen4Driver.detect(archive.entries);
    const operations: OperationSource[] = [];
    for (const dataset of datasets) operations.push(...(await jdGen4Driver.read(dataset)));
    return { roots: datasets.map((d) => d.root), files: datasets.reduce((n, d) => n + d.entries.size, 0), operations };
  } finally {
    await archive.close();
  }
}

/** "… N session file(s), M frames; sessions started A – B" from the operation description. */
function described(op: OperationSource): { files: number; frames: number; first: string; last: string } {
  const m = /(\d+) session file\(s\), (\d+) frames; sessions started (\S+) – (\S+?);/.exec(op.meta.description ?? '');
  assert.ok(m, `description: ${op.meta.description}`);
  return { files: Number(m[1]), frames: Number(m[2]), first: m[3]!, last: m[4]! };
}

test('Gen4 harvest card: one run folder, 15 files, 150 frames, Jen-3 corn', async () => {
  const found = await read(HARVEST);
  assert.deepEqual(found.roots, ['JD-Data/log/2017_Test_LabSim Fields_Jen-3']);
  assert.equal(found.files, 15);
  assert.equal(found.operations.length, 1);
  const meta = found.operations[0]!.meta;
  assert.equal(meta.operationType, 'harvested');
  assert.equal(meta.provider, 'JohnDeere');
  assert.equal(meta.fileFormat, 'GS4_4600');
  assert.equal(meta.crop, 'corn');
  assert.equal(meta.field, 'Jen-3');
  assert.equal(meta.farm, 'LabSim Fields');
  assert.equal(meta.grower, 'Test');
  assert.deepEqual(meta.varieties, ['CORNVAR-001']);
  assert.deepEqual(meta.machinery.map((m) => [m.name, m.type, m.serialNumber]), [['Einstein', 'machine', '1H0S770SVH9999999']]);
  const d = described(found.operations[0]!);
  assert.equal(d.frames, 150);
  assert.equal(d.first.slice(0, 19), '2017-10-27T08:56:46');
  assert.equal(d.last.slice(0, 19), '2017-10-27T09:45:02');
});

test('Gen4 planting: soybeans on a DB60, 1 file, 92 frames from 15:53:22 UTC', async () => {
  const found = await read(PLANTING);
  assert.equal(found.operations.length, 1);
  const meta = found.operations[0]!.meta;
  assert.equal(meta.operationType, 'planted');
  assert.equal(meta.crop, 'soybeans');
  assert.equal(meta.field, '22sep sp run2');
  assert.deepEqual(meta.varieties, ['VAR1', 'VAR2']);
  assert.deepEqual(meta.machinery.map((m) => [m.name, m.type]), [['John Deere Tractor', 'machine'], ['DB60', 'implement']]);
  const d = described(found.operations[0]!);
  assert.deepEqual([d.files, d.frames, d.first.slice(0, 19)], [1, 92, '2017-09-22T15:53:22']);
});

test('Gen4 application card: 6 task folders, 52 files, 487 frames, all applied on 2017-11-29', async () => {
  const found = await read(APPLICATION);
  assert.equal(found.roots.length, 6);
  assert.equal(found.files, 52);
  assert.equal(found.operations.length, 6);
  let frames = 0;
  for (const op of found.operations) {
    assert.equal(op.meta.operationType, 'applied');
    const d = described(op);
    frames += d.frames;
    assert.equal(d.first.slice(0, 10), '2017-11-29');
  }
  assert.equal(frames, 487);
  const tankMix = found.operations.find((op) => op.meta.field === 'Tank Mix Rate');
  assert.ok(tankMix, 'the Tank Mix Rate run');
  // The export of this run is "Tank Mix Rate-Tank Mix"; the header names the mix's components.
  assert.ok(tankMix.meta.products.some((p) => p.name === 'RoundUp'));
});

test('Gen4 tillage card: the field-cultivate sessions are tillage; the mowing session is reported, not listed', async () => {
  const found = await read(TILLAGE);
  assert.equal(found.files, 7);
  assert.equal(found.operations.length, 1);
  const meta = found.operations[0]!.meta;
  assert.equal(meta.operationType, 'tillage');
  assert.equal(meta.field, '50ac tillage');
  assert.ok(meta.machinery.some((m) => m.name === 'Field cultivate' && m.type === 'implement'));
  // 7 files: 5 field-cultivate sessions (code 4), 1 mowing session (code 6), 1 tractor-only session without a code.
  assert.equal(described(found.operations[0]!).files, 5);
  assert.equal(meta.warnings.length, 2);
});

test('points that cannot be decoded fail with a reason naming the format', async () => {
  await withTempDir(async (out) => {
    const report = await convertInput(TILLAGE, out, { units: 'default' }, {}, [jdGen4Driver]);
    assert.equal(report.operations.length, 1);
    assert.notEqual(report.operations[0]!.status, 'processed');
    assert.match(JSON.stringify(report.operations[0]), /John Deere Gen4 \.jdl/);
  });
});

function entry(path: string, bytes: Uint8Array): ArchiveEntry {
  return {
    path,
    innerPath: path,
    size: bytes.length,
    async open() {
      const s = new PassThrough();
      s.end(Buffer.from(bytes));
      return s;
    },
  };
}

/** A frame as formats.md §2.2 describes it: 0x0D, uint32 LE length, payload. */
function frame(payload: number[]): number[] {
  const n = payload.length;
  return [0x0d, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, ...payload];
}

test('detection needs the frame chain to end exactly at end of file', async () => {
  const good = new Uint8Array([...frame([0x08, 0x03, 0x10, 0xa1, 0x01]), ...frame([0x08, 0x04])]);
  assert.deepEqual(await checkFrameChain((await entry('a.jdl', good).open())), { ok: true, frames: 2, bytes: good.length });
  const truncated = good.subarray(0, good.length - 1);
  const extra = new Uint8Array([...good, 0x00]);
  const datasets = await jdGen4Driver.detect([
    entry('JD-Data/log/run/a.jdl', good),
    entry('JD-Data/log/run/b.jdl', truncated),
    entry('JD-Data/log/run/c.jdl', extra),
    entry('JD-Data/log/other/d.txt', good),
  ]);
  assert.deepEqual(datasets.map((d) => [d.root, [...d.entries.keys()]]), [['JD-Data/log/run', ['A.JDL']]]);
  // A chain without a session header is claimed (it is Gen4 framing) but read fails readably.
  await assert.rejects(jdGen4Driver.read(datasets[0]!), (error: Error) => error.name === 'DatasetError' && /no session header/.test(error.message));
});

test('application runs convert unless a session logs one rate channel per product (direct injection)', async () => {
  const archive = await openArchive(APPLICATION);
  const outcome = new Map<string, string>();
  try {
    for (const dataset of await jdGen4Driver.detect(archive.entries)) {
      for (const op of await jdGen4Driver.read(dataset)) {
        try {
          let points = 0;
          for await (const batch of op.points()) points += batch.length;
          outcome.set(op.meta.field ?? '', `${points} points`);
        } catch (error) {
          assert.equal((error as Error).name, 'DatasetError', `${op.meta.field}: ${(error as Error).message}`);
          assert.match((error as Error).message, /direct-injection/);
          outcome.set(op.meta.field ?? '', 'closed');
        }
      }
    }
  } finally {
    await archive.close();
  }
  // Tank Mix Rate: the 780 points of its export (oracle.test.ts). The header declarations (furrow inspect)
  // show 2–4 DDI 2 channels per session in the "3x DI" folders and in one "Single Product Rate" session.
  assert.equal(outcome.get('Tank Mix Rate'), '780 points');
  assert.match(outcome.get('Single Product Rx') ?? '', /^\d+ points$/);
  for (const field of ['3x DI + Single Product Rate', '3x DI + Tank Mix Rx', '3x DI Disabled', 'Single Product Rate']) assert.equal(outcome.get(field), 'closed', field);
});

test('a corrupt data frame fails its operation with a readable reason, not the process', async () => {
  // The "Tank Mix Rate" 10:20 session, its first data frame (frame 2) overwritten with 0xFF bytes
  // from its 100th payload byte on: the frame chain still holds (detection claims it), the
  // protobuf inside does not (0xFF… is a varint longer than 10 bytes).
  const archive = await openArchive(APPLICATION);
  let bytes: Buffer;
  try {
    const entry = archive.entries.find((e) => e.path.includes('94c0fa32'));
    assert.ok(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of await entry.open()) chunks.push(chunk as Buffer);
    bytes = Buffer.concat(chunks);
  } finally {
    await archive.close();
  }
  let offset = 0;
  for (let frame = 0; frame < 2; frame++) offset += 5 + bytes.readUInt32LE(offset + 1);
  assert.equal(bytes[offset], 0x0d);
  bytes.fill(0xff, offset + 5 + 100, offset + 5 + 140);
  await withTempDir(async (dir) => {
    const zip = join(dir, 'corrupt.zip');
    await writeZip(zip, { 'JD-Data/log/2017_Tank Mix Rate/2017_11_29_[10_20]_{corrupt}.jdl': bytes });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [jdGen4Driver]);
    assert.equal(report.operations.length, 1);
    const op = report.operations[0]!;
    assert.notEqual(op.status, 'processed');
    assert.match(op.statusDetails, /varint/);
  });
});
