import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { precisionPlanting2020Driver } from '../../../src/formats/precision-planting/driver.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * No `.2020` file could be obtained (formats.md §2.4: public samples are ≥ 4 MiB and out of reach),
 * so these are placeholder bytes under the documented name, testing only the detection rules and
 * the message — not a real 20|20 file.
 */
const BINARY = Buffer.from([0x0a, 0x12, 0x08, 0x00, 0x9a, 0x01, 0xff, 0x00]);

test('.2020 files: binary ones fail naming the format; text, images and empty files are not claimed', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'in.zip');
    await writeZip(zip, {
      'Folder1/Folder2/planting.2020': BINARY,
      'season.2020': BINARY,
      'notes.2020': 'harvest notes for 2020\n',
      'photo.2020': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), BINARY]),
      'empty.2020': Buffer.alloc(0),
      'harvest_1_Corn_2015_09_22_000.dat': BINARY,
    });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [precisionPlanting2020Driver]);
    assert.equal(report.operations.length, 0);
    assert.deepEqual(report.failures.map((f) => f.path).sort(), ['Folder1/Folder2/planting.2020', 'season.2020']);
    assert.equal(
      report.failures.find((f) => f.path === 'season.2020')!.reason,
      "Precision Planting 20|20 Gen3 file 'season.2020' (8 bytes): its data is in Precision Planting's closed binary format (only their closed PrecisionPlanting.ADAPT.2020 plugin reads it; no public description exists), so Furrow cannot convert it yet",
    );
  });
});
