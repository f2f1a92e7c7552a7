import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchive } from '../../src/formats/archive.ts';
import { runFurrow } from '../helpers/cli.ts';
import { sample } from '../helpers/samples.ts';
import { writeZip } from '../helpers/zip.ts';

/** The Kverneland card's files (TASKDATA.XML, TLG00001.XML/.BIN, grids), to be damaged one at a time. */
async function kvernelandFiles(): Promise<Record<string, Buffer>> {
  const archive = await openArchive(sample('isoxml/kverneland-spreader/single-dpd.zip'));
  const files: Record<string, Buffer> = {};
  try {
    for (const entry of archive.entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of await entry.open()) chunks.push(chunk as Buffer);
      files[entry.path] = Buffer.concat(chunks);
    }
  } finally {
    await archive.close();
  }
  return files;
}

interface Report {
  operations: { status: string; statusDetails: string; warnings: string[] }[];
  failures: { path: string; reason: string }[];
}

async function convertFiles(files: Record<string, string | Buffer>): Promise<{ code: number | null; report: Report; out: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-bad-'));
  const zip = join(dir, 'upload.zip');
  await writeZip(zip, files);
  const out = join(dir, 'out');
  const result = await runFurrow(['convert', zip, '-o', out]);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  return { code: result.code, report, out: dir, stderr: result.stderr };
}

test('malformed TASKDATA.XML: a failure that names the file and the place, exit code 1', async () => {
  const files = await kvernelandFiles();
  const xml = files['TASKDATA.XML']!.toString('utf8');
  // Cut inside the element list, so the XML is not well-formed.
  const broken = xml.slice(0, Math.floor(xml.length / 2)) + '<TSK A="x" <<';
  const { code, report, out } = await convertFiles({ ...files, 'TASKDATA.XML': broken });
  try {
    assert.equal(code, 1);
    assert.equal(report.operations.length, 0);
    assert.equal(report.failures.length, 1);
    assert.match(report.failures[0]!.reason, /TASKDATA\.XML/);
    assert.match(report.failures[0]!.reason, /:\d+:\d+/); // file:line:column
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('truncated timelog: the whole records are converted and a warning says what was cut', async () => {
  const files = await kvernelandFiles();
  const bin = files['TLG00001.BIN']!;
  const { code, report, out } = await convertFiles({ ...files, 'TLG00001.BIN': bin.subarray(0, bin.length - 7) });
  try {
    assert.equal(code, 0);
    assert.equal(report.operations[0]!.status, 'processed');
    assert.ok(report.operations[0]!.warnings.some((w) => /TLG00001\.BIN.*mid-record/i.test(w)), report.operations[0]!.warnings.join('\n'));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('XXE payload: external entities are never resolved', async () => {
  const files = await kvernelandFiles();
  const xxe = `<?xml version="1.0"?>\n<!DOCTYPE ISO11783_TaskData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<ISO11783_TaskData VersionMajor="4" VersionMinor="0" DataTransferOrigin="1"><CTR A="CTR1" B="&xxe;"/></ISO11783_TaskData>`;
  const { code, report, out } = await convertFiles({ ...files, 'TASKDATA.XML': xxe });
  try {
    assert.equal(code, 1);
    assert.equal(report.operations.length, 0);
    assert.match(report.failures[0]!.reason, /entit/i);
    const written = await readFile(join(out, 'out', 'report.json'), 'utf8');
    assert.ok(!written.includes('root:'), 'no content of /etc/passwd in the output');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('an archive with no machine data: "No valid files found", exit code 1', async () => {
  const { code, report, out } = await convertFiles({ 'readme.txt': 'nothing here', 'photos/field.jpg': Buffer.from([0xff, 0xd8, 0xff]) });
  try {
    assert.equal(code, 1);
    assert.equal(report.operations.length, 0);
    assert.match(report.failures[0]!.reason, /No valid files found/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('an upload that is not a zip fails with a reason, not a stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-bad-'));
  try {
    const path = join(dir, 'upload.zip');
    await writeFile(path, 'plain text, not a zip');
    const result = await runFurrow(['convert', path, '-o', join(dir, 'out')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not a readable zip archive/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad arguments exit with code 2', async () => {
  assert.equal((await runFurrow(['convert', sample('isoxml/kverneland-spreader/single-dpd.zip')])).code, 2);
  assert.equal((await runFurrow(['convert', sample('isoxml/kverneland-spreader/single-dpd.zip'), '-o', '/tmp/x', '--units', 'cubits'])).code, 2);
  assert.equal((await runFurrow(['convert', '/nonexistent/input.zip', '-o', '/tmp/x'])).code, 2);
  assert.equal((await runFurrow(['frobnicate'])).code, 2);
});
