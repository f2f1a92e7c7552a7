import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { agLeaderTextDriver } from '../../../src/formats/agleader-text/driver.ts';
import { parseLine } from '../../../src/formats/agleader-text/row.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * Ag Leader "Advanced" text export (formats.md §6.3) on the STRIPS 2012 interim corn harvest.
 * Independent figures: SOURCES-other.md (4,102 rows × 17 columns, GPS time 1348076163–1348127419
 * Unix s, swath 240 in, mean flow 18.07 lb/s, measured on the text), and yields recomputed below
 * from the text columns with a plain loop that shares no code with the driver.
 */

const FOLDER = sample('agleader-advanced-txt/strips-2012-interim');
const FILE = join(FOLDER, '2012-interim.txt');

interface Feature {
  geometry: { coordinates: number[] };
  properties: Record<string, number | string>;
}
interface Summary {
  properties: Record<string, { value?: number; avg?: number; unit: string } | string | string[]>;
}

async function features(path: string): Promise<Feature[]> {
  return (JSON.parse(await readFile(path, 'utf8')) as { features: Feature[] }).features;
}

function near(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: ${actual} vs ${expected} (±${relative * 100} %)`);
}

test('STRIPS 2012 interim: 4,102 corn points, their time span, flow, yield and mass as computed by hand from the text', async () => {
  await withTempDir(async (out) => {
    const report = await convertInput(FOLDER, out, { units: 'default' }, {}, [agLeaderTextDriver]);
    assert.deepEqual(report.failures, []);
    assert.equal(report.operations.length, 1);
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    assert.equal(op.fileFormat, 'AgLeaderText');
    assert.equal(op.provider, 'AgLeader');
    assert.equal(op.operationType, 'harvested');
    // The text names its crop ("CORN"), so no crop warning.
    assert.ok(!op.warnings.some((w) => /crop/.test(w)), op.warnings.join('; '));
    const dir = join(out, op.dir);
    const raw = await features(join(dir, 'raw.geojson'));
    const standard = await features(join(dir, 'standard.geojson'));
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;

    // SOURCES-other.md: 4,102 rows, GPS time 1348076163–1348127419 Unix s, swath 240 in.
    assert.equal(raw.length, 4102);
    assert.equal(raw[0]!.properties.time, new Date(1348076163 * 1000).toISOString());
    assert.equal(raw.at(-1)!.properties.time, new Date(1348127419 * 1000).toISOString());
    assert.equal(summary.properties.startTime, '2012-09-19T17:36:03.000Z');
    assert.equal(summary.properties.endTime, '2012-09-20T07:50:19.000Z');
    assert.ok(raw.every((f) => f.properties.swath === 240));
    assert.deepEqual(summary.properties.crop, ['corn']);
    // SOURCES-other.md: mean flow 18.07 lb/s, here from the raw output (the source's own values).
    const meanFlow = raw.reduce((a, f) => a + (f.properties.flow as number), 0) / raw.length;
    assert.equal(Math.round(meanFlow * 100) / 100, 18.07);

    // By hand from the text: wet yield per row [lb/ac] = flow [lb/s] × interval [s] / (distance [in]
    // × swath [in]) × 6,272,640 in²/ac (43,560 ft² × 144 in²/ft²). Leaf's cleanup keeps rows with
    // yield > 0 and 0 < moisture < 100. The wet mass of a row is flow × interval [lb], whatever its area.
    const lines = (await readFile(FILE, 'latin1')).split('\n').filter((l) => l.trim() !== '');
    let yieldSum = 0;
    let kept = 0;
    let massLb = 0;
    for (const line of lines) {
      const c = line.split(',');
      const flow = Number(c[2]);
      const interval = Number(c[4]);
      const distance = Number(c[5]);
      const swath = Number(c[6]);
      const moisture = Number(c[7]);
      const y = distance > 0 && swath > 0 ? ((flow * interval) / (distance * swath)) * 6_272_640 : NaN;
      if (!(y > 0 && moisture > 0 && moisture < 100)) continue;
      yieldSum += y;
      massLb += flow * interval;
      kept++;
    }
    assert.equal(standard.length, kept);
    const units = JSON.parse(await readFile(join(dir, 'units.json'), 'utf8')) as Record<string, string>;
    assert.equal(units.wetMassPerArea, 'lb/ac');
    const meanStandard = standard.reduce((a, f) => a + (f.properties.wetMassPerArea as number), 0) / standard.length;
    near(meanStandard, yieldSum / kept, 0.005, 'mean wet yield lb/ac');
    // Total wet mass: Σ flow × interval, in lb as the file's own (imperial) values are.
    const totalWetMass = summary.properties.totalWetMass as { value: number; unit: string };
    assert.equal(totalWetMass.unit, 'lb');
    near(totalWetMass.value, massLb, 0.005, 'total wet mass');
    // Dry yield comes from the engine and the crop table: corn, standard moisture 15 %, so dry < wet here (mean moisture ≈ 16 %).
    const dry = summary.properties.dryMassPerArea as { avg: number };
    const wet = summary.properties.wetMassPerArea as { avg: number };
    assert.ok(dry.avg < wet.avg && dry.avg > wet.avg * 0.95, `dry ${dry.avg} vs wet ${wet.avg}`);
  });
});

test('malformed lines are skipped and counted in warnings; the rest converts', async () => {
  await withTempDir(async (dir) => {
    const good = (await readFile(FILE, 'latin1')).split('\n').slice(0, 20);
    const bad = [
      'garbage line',
      '-93.25,41.55,1.0,1348076300,2,57,240', // 7 columns
      '-93.25,41.55,abc,1348076302,2,57,240,15.0,33,6,2007713498,"F0:INT","L0:x","CORN",7,0,894.7', // flow not a number
      '0,0,1.0,1348076304,2,57,240,15.0,33,6,2007713498,"F0:INT","L0:x","CORN",7,0,894.7', // no GPS fix
      '-393.25,41.55,1.0,1348076306,2,57,240,15.0,33,6,2007713498,"F0:INT","L0:x","CORN",7,0,894.7', // longitude out of range
    ];
    // Detection reads only the first lines: the bad ones come after them.
    await writeFile(join(dir, 'yield.txt'), [...good, ...bad, ...good.slice(0, 5)].join('\r\n') + '\r\n');
    const out = join(dir, 'out');
    const report = await convertInput(dir, out, { units: 'default' }, {}, [agLeaderTextDriver]);
    assert.equal(report.operations.length, 1);
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    const raw = await features(join(out, op.dir, 'raw.geojson'));
    assert.equal(raw.length, 25);
    const warnings = op.warnings.join('\n');
    assert.match(warnings, /2 line\(s\) do not have 15–17 comma-separated columns .*first at line 21/);
    assert.match(warnings, /1 line\(s\) have a non-numeric flow/);
    assert.match(warnings, /2 line\(s\) have no plausible longitude\/latitude/);
  });
});

test('a file without a grain type converts wet yield and says what the missing crop costs', async () => {
  await withTempDir(async (dir) => {
    const lines = (await readFile(FILE, 'latin1')).split('\n').slice(0, 30).map((l) => l.replace('"CORN"', '""'));
    const zip = join(dir, 'upload.zip');
    await writeZip(zip, { 'export/field.txt': lines.join('\n') });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [agLeaderTextDriver]);
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    assert.ok(op.warnings.some((w) => /crop is unknown.*dry yield repeats wet yield.*volumes \(bu\/ac\) are not computed/.test(w)), op.warnings.join('; '));
  });
});

test('detection: a generic 17-column CSV, a CSV with a header and a .dat file are not claimed; an unquoted Ag Leader file is', async () => {
  await withTempDir(async (dir) => {
    const sampleLines = (await readFile(FILE, 'latin1')).split('\n').slice(0, 10);
    const generic = Array.from({ length: 10 }, (_, i) => `-93.25,41.55,${i},1348076163,2,57,240,15.0,33,6,7,8,9,10,11,12,13`).join('\n');
    const withHeader = ['lon,lat,flow,time,int,dist,swath,moist,hs,pass,serial,field,load,grain,gps,pdop,alt', ...sampleLines].join('\n');
    const unquoted = sampleLines.map((l) => l.replace(/"/g, '')).join('\n');
    const zip = join(dir, 'mixed.zip');
    await writeZip(zip, {
      'generic.csv': generic,
      'header.csv': withHeader,
      'yield.dat': sampleLines.join('\n'),
      'unquoted.TXT': unquoted,
    });
    const archive = await openArchive(zip);
    try {
      const datasets = await agLeaderTextDriver.detect(archive.entries);
      assert.deepEqual(
        datasets.map((d) => d.root),
        ['unquoted.TXT'],
      );
      const sources = await agLeaderTextDriver.read(datasets[0]!);
      assert.equal(sources[0]!.meta.crop, 'corn');
      assert.equal(sources[0]!.meta.field, 'INT');
      assert.equal(sources[0]!.meta.machinery[0]!.serialNumber, '2007713498');
    } finally {
      await archive.close();
    }
  });
});

test('row parsing: the 16-column form with the variety before the altitude', () => {
  const parsed = parseLine('-93.1,41.5,10.5,1348076163,1,50,240,18.2,1,3,123,"F1:North","L2:Load 2","SOYBEANS","AG2431",1001.5');
  assert.ok('row' in parsed);
  assert.equal(parsed.row.variety, 'AG2431');
  assert.equal(parsed.row.altitude, 1001.5);
  assert.ok(Number.isNaN(parsed.row.gpsStatus));
  assert.equal(parsed.row.field, 'F1:North');
});
