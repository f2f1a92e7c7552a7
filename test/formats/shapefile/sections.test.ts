import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shapefileDriver } from '../../../src/formats/shapefile/driver.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';
import { differencePercent, figuresOf, readOperations } from '../figures.ts';
import { dbfFile, point, shpFile, type FieldDef } from './build.ts';

/*
 * Section state in shapefile exports (issue 12). John Deere's exports log one point per section
 * (or row) and time step, and only for the sections that are on: what says a section is off is
 * that it has no point, so each point's working width is its SWATHWIDTH ("Width Of Element").
 * Expected figures: SOURCES-other.md and GDAL (`ogrinfo -dialect sqlite`: Σ DISTANCE × SWATHWIDTH,
 * points per IsoTime), and the Gen4 display's Work Totals screen of the same run
 * (`jd-gen4/application-2017/…zip!/Screenshots/snap_20171129-103454.png`: 47.53 ac, 475.96 gal).
 */

const ACRE = 4046.8564224; // m²
const GALLON = 3.785411784; // L

test('JD seeding export: rows that are off log no point, so the area is Σ DISTANCE × SWATHWIDTH of the points', async () => {
  const { sources, close } = await readOperations(sample('jd-shapefile', 'myjd-seeding-soybeans', 'export-from-myjohndeere-seeding.zip'), shapefileDriver);
  try {
    const source = sources[0]!;
    // No column says a row is off: no recording status, no working width of its own.
    assert.equal(source.meta.columns.find((c) => c.standard === 'recordingStatus' || c.standard === 'workingWidth'), undefined);
    const rowsAt = new Map<number, number>();
    for await (const batch of source.points()) for (let i = 0; i < batch.length; i++) rowsAt.set(batch.time[i]!, (rowsAt.get(batch.time[i]!) ?? 0) + 1);
    // GDAL: 3,837 time steps; 3,063 with 16 rows, the rest with 1–15 (rows shut off at the headlands).
    const counts = [...rowsAt.values()];
    assert.equal(counts.length, 3837);
    assert.equal(counts.filter((n) => n === 16).length, 3063);
    assert.equal(Math.max(...counts), 16);
    assert.equal(counts.filter((n) => n === 1).length, 60);
    // GDAL: Σ DISTANCE × SWATHWIDTH / 43,560 = 24.9567589 ac over 55,285 points, every one working.
    const figures = await figuresOf(source);
    assert.equal(figures.working, 55_285);
    assert.ok(Math.abs(figures.area / ACRE - 24.9567589) < 1e-4, `${figures.area / ACRE} ac`);
  } finally {
    await close();
  }
});

test('JD export of the Gen4 Tank Mix Rate run: area and volume within 0.3 % of the display', async () => {
  const { sources, close } = await readOperations(sample('jd-shapefile', 'gen4-application-point-1hz', 'gen4-4600-application-point-onehertz.zip'), shapefileDriver);
  try {
    const figures = await figuresOf(sources[0]!);
    // Measured: 192,771 m² = 47.635 ac (+0.22 % vs 47.53 ac; GDAL Σ DISTANCE × SWATHWIDTH = 47.6346627 ac, the
    // 2 points with one section off at 110 ft) and 475.84 gal (−0.03 % vs 475.96 gal).
    const acres = figures.area / ACRE;
    const gallons = (figures.applied * 1000) / GALLON;
    assert.ok(Math.abs(acres - 47.6346627) < 1e-4, `${acres} ac`);
    assert.ok(Math.abs(differencePercent(acres, 47.53)) < 0.3, `${acres} ac`);
    assert.ok(Math.abs(differencePercent(gallons, 475.96)) < 0.3, `${gallons} gal`);
  } finally {
    await close();
  }
});

const SMS_FIELDS: FieldDef[] = [
  { name: 'Dataset', type: 'C', length: 40 },
  { name: 'Distance_f', type: 'N', length: 10, decimals: 2 },
  { name: 'Duration_s', type: 'N', length: 6, decimals: 1 },
  { name: 'Swth_Wdth_', type: 'N', length: 6, decimals: 1 },
  { name: 'Yld_Vol_We', type: 'N', length: 8, decimals: 2 },
  { name: 'Work_State', type: 'C', length: 4 },
];

test('SMS export without Area_Count: Work_State "Out" says no ground was worked', async () => {
  await withTempDir(async (dir) => {
    const states = ['In', 'In', 'Out', 'Out', 'In'];
    const rows = states.map((s) => ['13/09/30-16:45:42 (2007713498)', 10, 1, 30, 50, s]);
    const zip = join(dir, 'sms.zip');
    await writeZip(zip, {
      'yield.shp': shpFile(1, states.map((_, i) => point(-93.4, 41.55 + i * 1e-4)), [-93.4, 41.55, -93.4, 41.5504]),
      'yield.dbf': dbfFile(SMS_FIELDS, rows),
    });
    const { sources, close } = await readOperations(zip, shapefileDriver);
    try {
      const meta = sources[0]!.meta;
      assert.equal(meta.columns.find((c) => c.key === 'Work_State')!.standard, 'recordingStatus');
      // By hand: 3 points "In", each 10 ft × 30 ft = 300 ft² = 27.870912 m².
      const figures = await figuresOf(sources[0]!);
      assert.equal(figures.working, 3);
      assert.ok(Math.abs(figures.area - 3 * 300 * 0.09290304) < 1e-6, `${figures.area} m²`);
    } finally {
      await close();
    }
  });
});
