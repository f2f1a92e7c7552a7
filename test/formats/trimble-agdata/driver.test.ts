import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { trimbleAgDataDriver } from '../../../src/formats/trimble-agdata/driver.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip, zipBuffer } from '../../helpers/zip.ts';

/*
 * The 12 `.agf` field files from a Trimble TMX-2050 (SOURCES-other.md). Expected names and the
 * serial were read with `unzip -p <file> manifest.xml` (e.g. 0f23d941… = "Hasseljordet Midt",
 * product TMX, serial 6002228561, payload 0f23d941….xml.gz.enc).
 */
const AGF_FOLDER = sample('trimble-agdata', 'tmx2050-fields-agf');

function manifest(name: string, uuid: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <desc />
  <source><product>GFX-750</product><serial>5555</serial></source>
  <key><version>0</version><iv>00</iv></key>
  <entries><entry>${uuid}.xml.gz.enc</entry></entries>
</manifest>`;
}

test('TMX-2050 .agf field files: 12 recognised, each "no operations" with its manifest name and display', async () => {
  await withTempDir(async (out) => {
    const report = await convertInput(AGF_FOLDER, out, { units: 'default' }, {}, [trimbleAgDataDriver]);
    assert.equal(report.operations.length, 0);
    assert.equal(report.failures.length, 12);
    for (const failure of report.failures) {
      assert.match(failure.path, /^[0-9a-f-]{36}\.agf$/);
      assert.match(failure.reason, /^Trimble AgData field file '[0-9a-f-]{36}\.agf' \(".+", uuid [0-9a-f-]{36}, from Trimble TMX serial 6002228561\): field boundaries only \(encrypted in [0-9a-f-]{36}\.xml\.gz\.enc\), no operations to convert$/);
    }
    const midt = report.failures.find((f) => f.path.startsWith('0f23d941'))!;
    assert.equal(
      midt.reason,
      "Trimble AgData field file '0f23d941-f5db-a43a-9c91-913781046f91.agf' (\"Hasseljordet Midt\", uuid 0f23d941-f5db-a43a-9c91-913781046f91, from Trimble TMX serial 6002228561): field boundaries only (encrypted in 0f23d941-f5db-a43a-9c91-913781046f91.xml.gz.enc), no operations to convert",
    );
    // Non-ASCII names survive (UTF-8 manifest).
    assert.ok(report.failures.some((f) => f.reason.includes('"Hasseljordet Øst"')));
  });
});

test('AgData folder in a zip: .agf fields and an .agt task (synthetic manifest); the task fails as closed data', async () => {
  await withTempDir(async (dir) => {
    const files: Record<string, Buffer> = {};
    for (const name of (await readdir(AGF_FOLDER)).slice(0, 2)) files[`AgData/Fields/${name}`] = await readFile(join(AGF_FOLDER, name));
    const uuid = '11111111-2222-3333-4444-555555555555';
    // A task file in the documented container shape (manifest + encrypted payload); no real .agt is public.
    files[`AgData/Tasks/${uuid}.agt`] = await zipBuffer({ 'manifest.xml': manifest('Spraying 2023', uuid), [`${uuid}.xml.gz.enc`]: Buffer.from([0x9a, 0x11, 0x02]) });
    const zip = join(dir, 'agdata.zip');
    await writeZip(zip, files);
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [trimbleAgDataDriver]);
    assert.equal(report.failures.length, 3);
    const task = report.failures.find((f) => f.path.endsWith('.agt'))!;
    assert.equal(
      task.reason,
      `Trimble AgData task file '${uuid}.agt' ("Spraying 2023", uuid ${uuid}, from Trimble GFX-750 serial 5555): its task and coverage records (${uuid}.xml.gz.enc) are encrypted in Trimble's closed AgData format; Furrow reads its manifest but cannot convert its points yet`,
    );
    assert.equal(report.failures.filter((f) => /\.agf$/.test(f.path) && /no operations to convert$/.test(f.reason)).length, 2);
  });
});

test('files named .agf/.agt that are not AgData zips are not claimed', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'other.zip');
    await writeZip(zip, {
      'a.agf': 'just text',
      'b.agt': await zipBuffer({ 'readme.txt': 'no manifest here' }),
      'c.agf': await zipBuffer({ 'manifest.xml': '<?xml version="1.0"?><project><name>x</name></project>' }),
      'd.agt': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]),
    });
    const archive = await openArchive(zip);
    try {
      assert.deepEqual(await trimbleAgDataDriver.detect(archive.entries), []);
    } finally {
      await archive.close();
    }
  });
});

test('an AgData file larger than the in-memory limit is judged by its first member and read from a spooled copy', async () => {
  await withTempDir(async (dir) => {
    const uuid = '99999999-2222-3333-4444-555555555555';
    // 17 MiB of payload, stored: above the 16 MiB limit under which a file is read into memory.
    const big = await zipBuffer({ 'manifest.xml': manifest('Big task', uuid), [`${uuid}.xml.gz.enc`]: Buffer.alloc(17 * 1024 * 1024, 7) });
    const zip = join(dir, 'big.zip');
    await writeZip(zip, { [`AgData/Tasks/${uuid}.agt`]: big }, { compress: false });
    const archive = await openArchive(zip);
    try {
      const datasets = await trimbleAgDataDriver.detect(archive.entries);
      assert.equal(datasets.length, 1);
      await assert.rejects(trimbleAgDataDriver.read(datasets[0]!), /task file '99999999-[0-9a-f-]+\.agt' \("Big task", uuid 99999999-/);
    } finally {
      await archive.close();
    }
  });
});
