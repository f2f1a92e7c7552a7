import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { agLeaderNativeDriver } from '../../../src/formats/agleader-native/driver.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * No Ag Leader native file (.yld, .ilf, .agdata/.agsetup) is public (formats.md §2.7). The
 * fixtures are placeholder bytes under the documented names, not real display files: they test
 * the detection rules (binary content, .agdata/.agsetup pairing) and the messages.
 */
const BINARY = Buffer.from([0x01, 0x00, 0x9c, 0x42, 0x00, 0x00, 0x10, 0x7f, 0x80]);
const SQLITE = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]);

async function run(files: Record<string, string | Buffer>) {
  let result: Awaited<ReturnType<typeof convertInput>> | undefined;
  await withTempDir(async (dir) => {
    const zip = join(dir, 'in.zip');
    await writeZip(zip, files);
    result = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [agLeaderNativeDriver]);
  });
  return result!;
}

test('one failure per native file, naming the format; .agdata goes with the .agsetup beside it', async () => {
  const report = await run({
    'YM2000/FIELD1.yld': BINARY,
    'Insight/2009.ilf': BINARY,
    'Integra/1234567/Season.agdata': SQLITE,
    'Integra/1234567/Season.agsetup': BINARY,
    'Versa/Lone.agsetup': BINARY,
  });
  assert.equal(report.operations.length, 0);
  const byPath = new Map(report.failures.map((f) => [f.path, f.reason]));
  assert.deepEqual([...byPath.keys()].sort(), ['Insight/2009.ilf', 'Integra/1234567/Season.agdata', 'Versa/Lone.agsetup', 'YM2000/FIELD1.yld']);
  assert.equal(
    byPath.get('YM2000/FIELD1.yld'),
    "Ag Leader yield file (YM2000 / PF Advantage / PF3000) 'FIELD1.yld' (9 bytes, binary data of no publicly known layout): its data is in Ag Leader's closed binary format: no public description or open reader exists (only Ag Leader SMS reads it), so Furrow cannot convert it yet; SMS can export the same data as shapefiles or Ag Leader \"Advanced\" text, which are open formats",
  );
  assert.match(byPath.get('Insight/2009.ilf')!, /^Ag Leader system log file \(Insight \/ Edge \/ Integra up to 3\.4\) '2009\.ilf' .*closed binary format/);
  // 100-byte SQLite header written above.
  assert.match(byPath.get('Integra/1234567/Season.agdata')!, /^Ag Leader logged-data file \(.*\) 'Season\.agdata' \(100 bytes, an SQLite database\), with setup 'Season\.agsetup': its data is in Ag Leader's closed binary format/);
  assert.match(byPath.get('Versa/Lone.agsetup')!, /'Lone\.agsetup' .*: display setup only, no operations to convert/);
});

test('an .agdata without its .agsetup still fails clearly; text and empty files under these names are not claimed', async () => {
  const report = await run({
    'a/only.agdata': BINARY,
    'b/export.yld': '-93.1,42.0,1.2,1349112000,1,60,360,15.1,33,1,"F1:x"\n',
    'c/empty.ilf': Buffer.alloc(0),
  });
  assert.deepEqual(report.failures.map((f) => f.path), ['a/only.agdata']);
  assert.match(report.failures[0]!.reason, /'only\.agdata' .*without the \.agsetup file Leaf requires beside it/);
});
