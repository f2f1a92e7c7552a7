import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { convertInput, type ConversionProgress } from '../src/convert-input.ts';
import type { ArchiveEntry, Dataset } from '../src/formats/types.ts';
import { InputProgress } from '../src/input-progress.ts';
import type { OperationStage } from '../src/pipeline.ts';
import { sample } from './helpers/samples.ts';
import { withTempDir } from './helpers/temp.ts';

const ZIP = sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip');
/** The zip's files, uncompressed (unzip -l): all of them are the one TASKDATA dataset's. */
const ZIP_BYTES = 568_653;

function entry(path: string, size: number): ArchiveEntry {
  return { path, innerPath: path, size, open: async () => Readable.from([Buffer.alloc(size)]) };
}

async function readBytes(e: ArchiveEntry, bytes: number): Promise<void> {
  let seen = 0;
  for await (const chunk of (await e.open()) as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen >= bytes) break;
  }
}

describe('InputProgress', () => {
  it('counts each byte half in the first pass and half in the writing pass, once however often it is read', async () => {
    const states: ConversionProgress[] = [];
    const progress = new InputProgress((s) => states.push(s));
    const [log, xml, unread] = progress.count([entry('TLG.BIN', 100), entry('TLG.XML', 10), entry('GRD.BIN', 40)]);
    const dataset: Dataset = { driver: 'test', fileFormat: 'test', root: 'T', entries: new Map([['TLG.BIN', log!], ['TLG.XML', xml!], ['GRD.BIN', unread!]]) };
    // Read before the plan (detection): not counted.
    await readBytes(log!, 100);
    progress.plan([dataset], 2);
    assert.deepEqual(progress.snapshot, { bytesDone: 0, bytesTotal: 150, operationsDone: 0, operationsTotal: 2 });
    const at = (stage: OperationStage) => progress.stage(stage);
    progress.operationStarted('T/op1');
    at('reading');
    await readBytes(log!, 100);
    assert.equal(progress.snapshot.bytesDone, 50);
    at('filters');
    await readBytes(log!, 100);
    assert.equal(progress.snapshot.bytesDone, 50, 'statistics passes add nothing');
    at('writing');
    await readBytes(log!, 100);
    assert.equal(progress.snapshot.bytesDone, 100);
    at('reading');
    await readBytes(xml!, 10);
    assert.equal(progress.snapshot.bytesDone, 105);
    progress.operationEnded();
    // The XML the operation opened counts in full when it ends; the unread GRD waits for the dataset's end.
    assert.deepEqual(progress.snapshot, { bytesDone: 110, bytesTotal: 150, operationsDone: 1, operationsTotal: 2 });
    progress.operationStarted('T/op2');
    at('reading');
    await readBytes(log!, 100);
    assert.equal(progress.snapshot.bytesDone, 110, 'a second operation reading the same file adds nothing');
    progress.operationEnded(dataset.entries.values());
    assert.deepEqual(progress.snapshot, { bytesDone: 150, bytesTotal: 150, operationsDone: 2, operationsTotal: 2 });
    const done = states.map((s) => s.bytesDone);
    assert.deepEqual(done, [...done].sort((a, b) => a - b));
  });

  it('counts an operation that stopped early in full when it ends', async () => {
    const progress = new InputProgress(() => {});
    const [log] = progress.count([entry('TLG.BIN', 100)]);
    progress.plan([{ driver: 'test', fileFormat: 'test', root: 'T', entries: new Map([['TLG.BIN', log!]]) }], 1);
    progress.operationStarted('T/op');
    progress.stage('reading');
    await readBytes(log!, 1);
    assert.equal(progress.snapshot.bytesDone, 50);
    progress.operationEnded();
    assert.equal(progress.snapshot.bytesDone, 100);
  });
});

describe('convertInput progress on the AGCO sample', () => {
  it('reports bytes monotonic up to exactly the total, moving while operations read, and converts the same', async () => {
    await withTempDir(async (dir) => {
      const states: ConversionProgress[] = [];
      let started: [number, number] | undefined;
      const done: number[] = [];
      const report = await convertInput(ZIP, join(dir, 'counted'), { units: 'default', geojson: false }, {
        start: (operations, bytes) => (started = [operations, bytes]),
        update: (s) => states.push(s),
        operationDone: () => done.push(states.at(-1)!.bytesDone),
      });
      assert.deepEqual(started, [2, ZIP_BYTES]);
      assert.equal(report.operations.length, 2);
      const bytes = states.map((s) => s.bytesDone);
      for (let i = 1; i < bytes.length; i++) assert.ok(bytes[i]! >= bytes[i - 1]!, `bytesDone fell from ${bytes[i - 1]} to ${bytes[i]}`);
      assert.ok(states.every((s) => s.bytesTotal === ZIP_BYTES && s.operationsTotal === 2));
      const last = states.at(-1)!;
      assert.equal(last.bytesDone, ZIP_BYTES);
      assert.equal(last.operationsDone, 2);
      assert.equal(last.current, undefined);
      // The timelog moves the count inside the first operation, in its reading pass and again in its writing pass.
      const moving = (stage: OperationStage) => states.some((s, i) => i > 0 && s.current?.stage === stage && s.bytesDone > states[i - 1]!.bytesDone && s.bytesDone < ZIP_BYTES);
      assert.ok(moving('reading'), 'bytes counted in the reading pass');
      assert.ok(moving('writing'), 'bytes counted in the writing pass');
      assert.ok(done[0]! > 0 && done[0]! < ZIP_BYTES, `after the first operation: ${done[0]}`);
      const stages = [...new Set(states.filter((s) => s.current?.index === 0).map((s) => s.current!.stage))];
      assert.deepEqual(stages, ['reading', 'coverage', 'writing', 'images']);
      assert.equal(Math.max(...states.map((s) => s.current?.points ?? 0)), 4483);

      // Counting changes nothing that is read or written.
      const plain = await convertInput(ZIP, join(dir, 'plain'), { units: 'default', geojson: false });
      assert.deepEqual(plain, report);
      for (const op of report.operations) {
        for (const name of await readdir(join(dir, 'plain', op.dir))) {
          if (!name.endsWith('.json')) continue;
          assert.equal(await readFile(join(dir, 'counted', op.dir, name), 'utf8'), await readFile(join(dir, 'plain', op.dir, name), 'utf8'), `${op.dir}/${name}`);
        }
      }
    });
  });
});
