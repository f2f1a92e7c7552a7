import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { cnhiDriver } from '../../../src/formats/cnhi/driver.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * No CNH Voyager 2 (.cn1) card is public (formats.md §2.6, SOURCES-other.md "not found"). These
 * fixtures are built from the documented layout only — a `<name>.cn1/` folder with `index.vy1`,
 * `shared/*.FMD`/`*.FMS` pairs, `growers.gws`, `producers.pds` — with placeholder bytes, not from a
 * real card: they test the layout rules and the message, not CNH's file contents.
 */
const BYTES = Buffer.from([0x56, 0x59, 0x00, 0x01, 0xff, 0x10]);

async function detectRoots(files: Record<string, string | Buffer>): Promise<string[]> {
  let roots: string[] = [];
  await withTempDir(async (dir) => {
    const zip = join(dir, 'in.zip');
    await writeZip(zip, files);
    const archive = await openArchive(zip);
    try {
      roots = (await cnhiDriver.detect(archive.entries)).map((d) => d.root);
    } finally {
      await archive.close();
    }
  });
  return roots;
}

test('a .cn1 card (documented layout): recognised, fails naming the format and listing what it holds', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'card.zip');
    await writeZip(zip, {
      'CARD0001.cn1/index.vy1': BYTES,
      'CARD0001.cn1/shared/F0001.FMD': BYTES,
      'CARD0001.cn1/shared/F0001.FMS': BYTES,
      'CARD0001.cn1/shared/F0002.FMD': BYTES,
      'CARD0001.cn1/shared/F0002.FMS': BYTES,
      'CARD0001.cn1/growers.gws': BYTES,
      'CARD0001.cn1/producers.pds': BYTES,
    });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [cnhiDriver]);
    assert.equal(report.operations.length, 0);
    assert.deepEqual(report.failures, [
      {
        path: 'CARD0001.cn1',
        reason:
          "CNH Voyager 2 card 'CARD0001.cn1' (Pro 700 / IntelliView IV, index.vy1; 7 file(s), 4 field data file(s) (.FMD/.FMS/.FLD), grower list, producer list, folders shared): its data is in CNH's closed binary CN1 format (readable only with CNH's licensed CN1 SDK), so Furrow cannot list or convert its operations yet",
      },
    ]);
  });
});

test('a card zipped without its .cn1 folder is recognised by index.vy1 beside shared/ field data', async () => {
  assert.deepEqual(await detectRoots({ 'index.vy1': BYTES, 'shared/F0001.FMD': BYTES, 'shared/F0001.FMS': BYTES }), ['index.vy1']);
  assert.deepEqual(await detectRoots({ 'upload/index.vy1': BYTES, 'upload/Shared/F1.fld': BYTES }), ['upload']);
});

test('index.vy1 without the card layout, or empty, is not claimed', async () => {
  assert.deepEqual(await detectRoots({ 'misc/index.vy1': BYTES, 'misc/notes.txt': 'x' }), []);
  assert.deepEqual(await detectRoots({ 'CARD.cn1/index.vy1': Buffer.alloc(0), 'CARD.cn1/shared/F1.FMD': BYTES }), []);
  assert.deepEqual(await detectRoots({ 'CARD.cn1/shared/F1.FMD': BYTES, 'CARD.cn1/growers.gws': BYTES }), []);
});
