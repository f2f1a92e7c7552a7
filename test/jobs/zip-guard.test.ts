import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yazl from 'yazl';
import { checkUpload, DEFAULT_ZIP_LIMITS } from '../../src/jobs/zip-guard.ts';
import { sample } from '../helpers/samples.ts';
import { withTempDir } from '../helpers/temp.ts';
import { writeZip, zipBuffer } from '../helpers/zip.ts';
import { SAMPLE_ZIP, zipFiles } from './helpers/fixtures.ts';
import { deflatedZeros, rawZip } from '../helpers/raw-zip.ts';
import { markEncrypted, renameEntry } from './helpers/zip-tricks.ts';

const MIB = 1024 ** 2;

/** A zip of stored (uncompressed) entries, for byte-level edits. */
async function storedZip(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name, { compress: false });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('real samples pass, including one with 500,000 junk bytes before the zip', () =>
  withTempDir(async (dir) => {
    assert.equal(await checkUpload(SAMPLE_ZIP, dir), undefined);
    assert.equal(await checkUpload(sample('isoxml', 'krone-baler-corrupt-stream', 'corrupt-stream.zip'), dir), undefined);
    assert.equal(await checkUpload(sample('isoxml', 'multi-subfolder-mac', 'multi-subfolder-and-mac.zip'), dir), undefined);
  }));

test('an entry that inflates more than maxRatio times is refused as a zip bomb', () =>
  withTempDir(async (dir) => {
    const zip = join(dir, 'bomb.zip');
    await writeZip(zip, { 'TASKDATA/TASKDATA.XML': '<ISO11783_TaskData/>', 'TASKDATA/zeros.bin': Buffer.alloc(30 * MIB) });
    const reason = await checkUpload(zip, dir);
    assert.match(reason ?? '', /^Upload rejected: "TASKDATA\/zeros\.bin" would unpack to \d+ times its packed size \(30 MiB\); more than 200 times looks like a zip bomb$/);
    // Small files compress absurdly well too, and are harmless.
    await writeZip(zip, { 'small.bin': Buffer.alloc(MIB) });
    assert.equal(await checkUpload(zip, dir), undefined);
  }));

test('more than maxTotalBytes unpacked is refused', () =>
  withTempDir(async (dir) => {
    const zip = join(dir, 'big.zip');
    await writeZip(zip, { a: randomBytes(600 * 1024), b: randomBytes(600 * 1024) });
    assert.equal(await checkUpload(zip, dir, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 2 * MIB }), undefined);
    assert.equal(await checkUpload(zip, dir, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: MIB }), 'Upload rejected: its files would take more than 1 MiB once unpacked (a limit against zip bombs)');
  }));

test('a bomb inside a nested zip is found, and the spooled copy is removed', () =>
  withTempDir(async (dir) => {
    const inner = await zipBuffer({ 'zeros.bin': Buffer.alloc(30 * MIB) });
    const zip = join(dir, 'nested.zip');
    await writeZip(zip, { 'data/inner.zip': inner, 'readme.txt': 'hi' });
    assert.match((await checkUpload(zip, dir)) ?? '', /"data\/inner\.zip!\/zeros\.bin" would unpack/);
    assert.deepEqual((await readdir(dir)).sort(), ['nested.zip']);
  }));

test('names reaching outside the folder (zip slip) are refused', () =>
  withTempDir(async (dir) => {
    const zip = join(dir, 'slip.zip');
    await writeFile(zip, renameEntry(await storedZip({ 'ok.txt': 'x', 'aa/evil.txt': 'y' }), 'aa/evil.txt', '../evil.txt'));
    assert.equal(await checkUpload(zip, dir), 'Upload rejected: the entry "../evil.txt" has an unsafe path (absolute, or reaching outside the archive with "..")');
    await writeFile(zip, renameEntry(await storedZip({ 'xetc/passwd': 'y' }), 'xetc/passwd', '/etc/passwd'));
    assert.match((await checkUpload(zip, dir)) ?? '', /"\/etc\/passwd" has an unsafe path/);
    await writeFile(zip, renameEntry(await storedZip({ 'aa/evil.txt': 'y' }), 'aa/evil.txt', '..\\evil.txt'));
    assert.match((await checkUpload(zip, dir)) ?? '', /unsafe path/, 'backslashes count as separators');
  }));

test('a password-protected zip is refused', () =>
  withTempDir(async (dir) => {
    const zip = join(dir, 'secret.zip');
    // Deflated entries: yauzl checks a stored entry's sizes against the 12-byte encryption header a real encrypted zip has.
    await writeFile(zip, markEncrypted(await zipBuffer({ 'TASKDATA/TASKDATA.XML': '<x/>', 'TASKDATA/TLG00001.BIN': 'bin' })));
    assert.equal(await checkUpload(zip, dir), 'Upload rejected: the zip is password-protected; its files are encrypted and cannot be read');
  }));

test('a file that is not a zip is refused with the reason', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'not.zip');
    await writeFile(path, 'just text, no zip');
    assert.match((await checkUpload(path, dir)) ?? '', /^The upload is not a readable zip archive \(.+\)$/);
  }));

test('300 folders whose directory records all point at the bytes of one 5-file TASKDATA are refused', () =>
  withTempDir(async (dir) => {
    const files = await zipFiles(SAMPLE_ZIP);
    const names = Object.keys(files);
    const aliases = Array.from({ length: 299 }, (_, i) => names.map((name, target) => ({ name: `F${i + 1}/${name}`, target }))).flat();
    const zip = join(dir, 'overlap.zip');
    await writeFile(zip, rawZip(names.map((name) => ({ name: `F0/${name}`, data: files[name]! })), { aliases }));
    assert.equal(await checkUpload(zip, dir), `Upload rejected: the zip entries "F0/${names[0]}" and "F1/${names[0]}" share the same bytes (entries that overlap are a zip-bomb technique; no zip writer makes them)`);
    // Inside a nested zip too.
    const outer = join(dir, 'outer.zip');
    await writeZip(outer, { 'inner.zip': rawZip([{ name: 'a.txt', data: Buffer.from('a') }], { aliases: [{ name: 'b.txt', target: 0 }] }) });
    assert.equal(await checkUpload(outer, dir), 'Upload rejected: the zip entries "inner.zip!/a.txt" and "inner.zip!/b.txt" share the same bytes (entries that overlap are a zip-bomb technique; no zip writer makes them)');
  }));

test('a nested zip that inflates past its declared size is spooled only up to that size', () =>
  withTempDir(async (dir) => {
    // Declared as 1 KiB, it inflates to 256 MiB of zeros: the spool stops after 1 KiB, the converter reports the part.
    const zip = join(dir, 'liar.zip');
    await writeFile(zip, rawZip([{ name: 'inner.zip', packed: deflatedZeros(256), declaredSize: 1024 }, { name: 'readme.txt', data: Buffer.from('hi') }]));
    const started = performance.now();
    assert.equal(await checkUpload(zip, dir), undefined);
    assert.ok(performance.now() - started < 2000, 'nothing near 256 MiB was inflated');
    assert.deepEqual((await readdir(dir)).sort(), ['liar.zip']);
  }));
