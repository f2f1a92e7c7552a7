import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openArchive } from '../../../src/formats/archive.ts';
import { isoxmlDriver } from '../../../src/formats/isoxml/driver.ts';
import { convertOperation } from '../../../src/pipeline.ts';
import { withTempDir } from '../../helpers/temp.ts';

/*
 * A synthetic TASKDATA: a sprayer whose boom has 10 sections of different widths, switched in a
 * known pattern through the boom's 0x00A1 Actual Condensed Work State (2 bits a section, section 1
 * lowest; sections 11–16 "not installed", 11), each section logging its own 0x0002 rate. The
 * machine drives due north one record a second, 2 m a record, so every expected figure follows
 * from the pattern by hand: the distance of a record is the Earth's mean radius × its latitude
 * step (the positions are the int32 values written), the area the sum of the widths of the
 * sections on at it, the amount applied each section's rate × the ground that section worked.
 */

const R = 6_371_008.8;
/** Section widths in mm (DPT 0x0043 of each section) and rates in L/ha (logged as 0x0002 raw steps of 0.01 mm³/m²: L/ha × 10 000). */
const WIDTHS_MM = [2000, 2500, 3000, 3000, 3000, 3000, 3000, 3000, 2500, 2000];
const RATES_L_HA = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190];
const BOOM_MM = WIDTHS_MM.reduce((a, b) => a + b, 0);
/** Which sections are on (bit s = section s + 1), ten records each, and whether the implement's own work state is on. */
const PATTERN: readonly { on: number; implement: 0 | 1 }[] = [
  { on: 0b1111111111, implement: 1 },
  { on: 0b0000011111, implement: 1 },
  { on: 0b1111100000, implement: 1 },
  { on: 0b0101010101, implement: 1 },
  { on: 0b0000000000, implement: 1 },
  { on: 0b1111111111, implement: 0 },
  { on: 0b1000000001, implement: 1 },
  { on: 0b1111111111, implement: 1 },
];
const RECORDS_PER_STEP = 10;
const START_LAT = 52.1;
const LON = 8.2;
const STEP_DEG_E7 = Math.round(((2 / R) * (180 / Math.PI)) * 1e7);

/** The condensed state of a pattern: 01 for each section on, 00 off, 11 for the 6 places no section fills. */
function condensed(on: number): number {
  let value = 0;
  for (let s = 0; s < 16; s++) value += (s >= 10 ? 3 : (on >> s) & 1) * 4 ** s;
  return value | 0; // as the int32 the record carries
}

function taskData(): string {
  const sections = WIDTHS_MM.map((w, s) => {
    const n = s + 1;
    return `    <DET A="DET-${10 + n}" B="${100 + n}" C="4" D="Section ${n}" E="${10 + n}" F="2"><DOR A="${200 + n}"/><DOR A="${300 + n}"/></DET>\n    <DPT A="${200 + n}" B="0043" C="${w}" D="Width"/>\n    <DPD A="${300 + n}" B="0002" C="1" D="8" E="Actual rate"/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ISO11783_TaskData VersionMajor="4" VersionMinor="3" ManagementSoftwareManufacturer="test" TaskControllerManufacturer="test TC" DataTransferOrigin="2">',
    '  <PDT A="PDT1" B="Herbicide"/>',
    '  <DVC A="DVC-1" B="Sprayer 24" D="A00C800000000001">',
    '    <DET A="DET-1" B="1" C="1" D="Sprayer" E="0" F="0"><DOR A="1"/><DOR A="4"/></DET>',
    '    <DET A="DET-2" B="2" C="2" D="Boom" E="1" F="1"><DOR A="2"/><DOR A="3"/></DET>',
    '    <DPD A="1" B="008D" C="1" D="8" E="Work state"/>',
    '    <DPD A="2" B="0043" C="1" D="8" E="Boom width"/>',
    '    <DPD A="3" B="00A1" C="1" D="8" E="Condensed work state"/>',
    '    <DPD A="4" B="0050" C="1" D="16" E="Total volume"/>',
    ...sections,
    '  </DVC>',
    '  <TSK A="TSK1" B="Spray" G="4">',
    '    <PAN A="PDT1" E="DET-2"/>',
    '    <TLG A="TLG00001" C="1"/>',
    '  </TSK>',
    '</ISO11783_TaskData>',
    '',
  ].join('\n');
}

/** DLVs: 0 work state, 1 boom width, 2 condensed state, 3 total volume (L), 4–13 the sections' rates. */
function timeLogHeader(): string {
  const rates = WIDTHS_MM.map((_, s) => `  <DLV A="0002" B="" C="DET-${11 + s}"/>`);
  return ['<TIM A="" D="4">', '  <PTN A="" B=""/>', '  <DLV A="008D" B="" C="DET-1"/>', '  <DLV A="0043" B="" C="DET-2"/>', '  <DLV A="00A1" B="" C="DET-2"/>', '  <DLV A="0050" B="" C="DET-1"/>', ...rates, '</TIM>', ''].join('\n');
}

interface Expected {
  area: number;
  litres: number;
  distance: number;
  records: number;
}

/** The timelog's bytes and the figures the pattern gives by hand. */
function timeLog(): { bytes: Buffer; expected: Expected } {
  const records = PATTERN.length * RECORDS_PER_STEP;
  const chunks: Buffer[] = [];
  let area = 0;
  let litres = 0;
  let distance = 0;
  let counted = 0;
  for (let r = 0; r < records; r++) {
    const { on, implement } = PATTERN[Math.floor(r / RECORDS_PER_STEP)]!;
    const north = Math.round(START_LAT * 1e7) + r * STEP_DEG_E7;
    if (r > 0) {
      const d = R * ((STEP_DEG_E7 * 1e-7 * Math.PI) / 180);
      distance += d;
      for (let s = 0; s < WIDTHS_MM.length; s++) {
        if (!implement || !((on >> s) & 1)) continue;
        const m2 = d * (WIDTHS_MM[s]! / 1000);
        area += m2;
        litres += (RATES_L_HA[s]! * m2) / 10_000;
      }
    }
    counted = Math.floor(litres);
    const values: [number, number][] = [
      [0, implement],
      [1, BOOM_MM],
      [2, condensed(on)],
      [3, counted],
      ...RATES_L_HA.map((rate, s): [number, number] => [4 + s, rate * 10_000]),
    ];
    const record = Buffer.alloc(6 + 8 + 1 + values.length * 5);
    record.writeUInt32LE(8 * 3_600_000 + r * 1000, 0);
    record.writeUInt16LE(Math.round((Date.UTC(2024, 4, 2) - Date.UTC(1980, 0, 1)) / 86_400_000), 4);
    record.writeInt32LE(north, 6);
    record.writeInt32LE(Math.round(LON * 1e7), 10);
    record.writeUInt8(values.length, 14);
    values.forEach(([index, value], k) => {
      record.writeUInt8(index, 15 + k * 5);
      record.writeInt32LE(value, 16 + k * 5);
    });
    chunks.push(record);
  }
  return { bytes: Buffer.concat(chunks), expected: { area, litres, distance, records } };
}

test('a 10-section boom: working width, area, weighted rate and amount from the condensed work state', async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, 'TASKDATA');
    await mkdir(folder);
    const { bytes, expected } = timeLog();
    await writeFile(join(folder, 'TASKDATA.XML'), taskData());
    await writeFile(join(folder, 'TLG00001.XML'), timeLogHeader());
    await writeFile(join(folder, 'TLG00001.BIN'), bytes);
    const archive = await openArchive(folder);
    try {
      const [dataset] = await isoxmlDriver.detect(archive.entries);
      const [source] = await isoxmlDriver.read(dataset!);
      assert.equal(source!.meta.operationType, 'applied');
      const out = join(dir, 'out');
      const result = await convertOperation(source!, out, { units: 'metric' });
      assert.equal(result.status, 'processed', result.statusDetails);
      assert.equal(result.pointCount, expected.records);

      const normalized = JSON.parse(await readFile(join(out, 'normalized.geojson'), 'utf8')) as { features: { properties: Record<string, number> }[] };
      // (outputs carry 6 decimals) Every point's working width is the sum of the widths of its pattern's sections (0 while the sprayer is off).
      normalized.features.forEach((f, r) => {
        const { on, implement } = PATTERN[Math.floor(r / RECORDS_PER_STEP)]!;
        const width = implement ? WIDTHS_MM.reduce((sum, w, s) => sum + ((on >> s) & 1 ? w : 0), 0) / 1000 : 0;
        assert.ok(Math.abs(f.properties.workingWidth! - width) < 1e-6, `record ${r}: workingWidth ${f.properties.workingWidth} ≠ ${width}`);
        assert.equal(f.properties.equipmentWidth, BOOM_MM / 1000);
        if (width > 0) {
          const weighted = RATES_L_HA.reduce((sum, rate, s) => sum + ((on >> s) & 1 ? rate * WIDTHS_MM[s]! : 0), 0) / (width * 1000);
          assert.ok(Math.abs(f.properties.appliedRate! - weighted) < 1e-6, `record ${r}: rate ${f.properties.appliedRate} ≠ ${weighted}`);
        }
      });

      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { properties: Record<string, { value: number; unit: string }> & { reconciliation: { quantity: string; machine: { value: number }; furrow: { value: number }; differencePercent: number }[] } };
      const p = summary.properties;
      assert.equal(p.totalArea.unit, 'ha');
      const area = p.totalArea.value * 10_000;
      assert.ok(Math.abs(area / expected.area - 1) < 0.001, `area ${area} m² vs ${expected.area} m² by hand`);
      assert.equal(p.totalApplied.unit, 'L');
      assert.ok(Math.abs(p.totalApplied.value / expected.litres - 1) < 0.001, `applied ${p.totalApplied.value} L vs ${expected.litres} L by hand`);
      // The machine's own volume counter (whole litres, floor of the hand figure at each record) reconciles within a litre.
      const volume = p.reconciliation.find((r) => r.quantity === 'appliedVolume')!;
      assert.equal(volume.machine.value, Math.floor(expected.litres));
      assert.ok(Math.abs(volume.furrow.value - expected.litres) < 1e-6 * expected.litres);
      assert.ok(Math.abs(volume.differencePercent) < 100 / Math.floor(expected.litres) + 0.01);
    } finally {
      await archive.close();
    }
  });
});
