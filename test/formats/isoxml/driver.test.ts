import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchive } from '../../../src/formats/archive.ts';
import { isoxmlDriver, rootElementName } from '../../../src/formats/isoxml/driver.ts';
import { DatasetError, type OperationSource } from '../../../src/formats/types.ts';
import { sample } from '../../helpers/samples.ts';
import { collect, isoxmlSamples, openSample, pointCount, readOracle } from './helpers.ts';

/*
 * Operations found per sample, with their types and point counts. Point counts equal the sum of
 * the oracle's valid positions over the timelogs of the task (oracle.test.ts checks those per
 * timelog), except KRONE TSK3/TSK4, whose timelogs Furrow reads past 5 stray bytes (27 524 and
 * 15 597 records where the oracle stops after 1). The AGCO task is two operations, one per bin
 * (DET-15 and DET-16 are allocated different products), each over the task's three timelogs.
 */
const EXPECTED: Record<string, [id: string, originalOperationType: string, points: number][]> = {
  'agco-microtrak': [
    ['TSK2-applied-DET-15', 'Sprayers', 4483],
    ['TSK2-applied-DET-16', 'Sprayers', 4483],
  ],
  'cnh-planter-aircart': [
    ['TSK-3-applied', 'Fertilizers', 1183],
    ['TSK-4-applied', 'Fertilizers', 8],
    ['TSK-6-planted', 'Planters/Seeders', 417],
    ['TSK-8-planted', 'Planters/Seeders', 1114],
    ['TSK-8-applied', 'Planters/Seeders', 1114],
    ['TSK-9-planted', 'Planters/Seeders', 12],
    ['TSK-9-applied', 'Planters/Seeders', 12],
    ['TSK-10-applied', 'Sprayers', 217],
    ['TSK-14-planted', 'Planters/Seeders', 174],
    ['TSK-16-planted', 'Planters/Seeders', 19],
    ['TSK-18-planted', 'Planters/Seeders', 214],
    ['TSK-18-applied', 'Planters/Seeders', 214],
    ['TSK-20-planted', 'Planters/Seeders', 98],
    ['TSK-21-applied', 'Sprayers', 9],
    ['TSK-22-applied', 'Sprayers', 731],
    ['TSK-23-applied', 'Sprayers', 18],
    ['TSK-26-applied', 'Fertilizers', 266],
    ['TSK-27-planted', 'Planters/Seeders', 399],
  ],
  'krone-baler-corrupt-stream': [
    ['TSK1-harvested', 'Harvesters', 16922],
    ['TSK2-harvested', 'Harvesters', 23671],
    ['TSK3-harvested', 'Harvesters', 27524],
    ['TSK4-harvested', 'Harvesters', 15597],
    ['TSK5-harvested', 'Harvesters', 9518],
  ],
  'kverneland-spreader': [['TSK1-planted', 'Planters/Seeders', 373]],
  'multi-subfolder-mac': [['TSK1-planted', 'Planters/Seeders', 373]],
};

/**
 * The CCI forage harvester cards: one harvested operation per task with timelogs, as many points
 * as the oracle's valid positions. The device NAME has class 0 (non-specific), so the deciding
 * DDI names the operation. Task ids and TLG numbers part ways after TSK8 (TSK10 logs TLG00015).
 */
const CCI_TASK_IDS = ['TSK1', 'TSK2', 'TSK3', 'TSK4', 'TSK5', 'TSK6', 'TSK7', 'TSK8', 'TSK10', 'TSK11', 'TSK12', 'TSK13', 'TSK14', 'TSK15', 'TSK16', 'TSK17', 'TSK18', 'TSK19', 'TSK20'];
for (const name of ['cci-forage-harvester', 'cci-broken-timelogs']) {
  const tasks = readOracle(name).tasks.filter((task) => task.timelogs.length > 0);
  EXPECTED[name] = tasks.map((task, i) => [`${CCI_TASK_IDS[i]}-harvested`, 'Mass Per Area Yield', task.timelogs.reduce((n, l) => n + l.validPositions, 0)]);
}

test('every ISOXML sample has an expectation', () => {
  assert.deepEqual(isoxmlSamples(), Object.keys(EXPECTED).sort());
});

for (const name of isoxmlSamples()) {
  test(`${name}: operations, types and point counts`, async () => {
    const { archive, dataset } = await openSample(name);
    try {
      assert.equal(dataset.fileFormat, 'ISO11783');
      const sources = await isoxmlDriver.read(dataset);
      const found: [string, string, number][] = [];
      for (const source of sources) found.push([source.meta.id, source.meta.originalOperationType, pointCount(await collect(source))]);
      assert.deepEqual(found, EXPECTED[name]);
      for (const source of sources) {
        assert.match(source.meta.id, new RegExp(`-${source.meta.operationType}(-DET-\\d+)?$`));
        assert.match(source.meta.reader, /^furrow-isoxml\/\d+\.\d+\.\d+/);
        assert.match(source.meta.id, /^[A-Za-z0-9._-]+$/);
        checkColumns(source);
      }
    } finally {
      await archive.close();
    }
  });
}

function checkColumns(source: OperationSource): void {
  const keys = source.meta.columns.map((c) => c.key);
  assert.equal(new Set(keys).size, keys.length, `${source.meta.id}: unique keys`);
  const standards = source.meta.columns.map((c) => c.standard).filter((s) => s !== undefined);
  assert.equal(new Set(standards).size, standards.length, `${source.meta.id}: one column per standard property`);
  for (const column of source.meta.columns) {
    assert.equal(column.kind, 'number');
    if (/^[0-9A-F]{4}_/.test(column.key) && parseInt(column.key.slice(0, 4), 16) >= 0xe000) assert.equal(column.unit, undefined, `${column.key}: proprietary values carry no unit code`);
  }
}

test('standard properties come from the element nearest the device root, in dictionary units', async () => {
  const standardsOf = async (name: string) => {
    const { archive, dataset } = await openSample(name);
    try {
      const sources = await isoxmlDriver.read(dataset);
      return new Map(sources.map((s) => [s.meta.id, Object.fromEntries(s.meta.columns.filter((c) => c.standard).map((c) => [c.standard, `${c.key} ${c.unit}`]))]));
    } finally {
      await archive.close();
    }
  };
  const cci = await standardsOf('cci-forage-harvester');
  assert.deepEqual(cci.get('TSK1-harvested'), {
    equipmentWidth: '0043_DET-123456789 mm',
    wetMassPerArea: '0054_DET-1 mg/m2',
    cropFlow: '0057_DET-1 mg/s',
    harvestMoisture: '0063_DET-1 ppm',
    recordingStatus: '008D_DET-1 undefined',
  });
  const cnh = await standardsOf('cnh-planter-aircart');
  // The RAUCH spreader logs rate and width on its boom (a function) and on six sections; the boom's width
  // is the spreader's, the working width comes from the sections that are on (its condensed work state),
  // and the rate is the sections' rates weighted by the width of each that is on.
  assert.deepEqual(cnh.get('TSK-3-applied'), {
    elevation: 'elevation mm',
    appliedRateTarget: '0006_sections-of-DET-3000142 mg/m2',
    appliedRate: '0007_sections-of-DET-3000142 mg/m2',
    equipmentWidth: '0043_DET-3000142 mm',
    // The spreader's own work state, not the trip computer's, although both are device root elements.
    recordingStatus: '008D_DET-3000141 undefined',
    workingWidth: 'workingWidth mm',
  });
  // An air cart drilling wheat by mass: a planter/seeder without seed counts, so its mass rate is the seed
  // rate — here the rate of its six sections, which log their own.
  assert.equal(cnh.get('TSK-14-planted')?.seedRate, '0007_sections-of-DET-644 mg/m2');
  // The planter counts its seed (0x000B on the seed bin) and spreads fertilizer by mass on the other bin: two operations.
  assert.equal(cnh.get('TSK-8-planted')?.seedRateTarget, '000B_DET-655 seeds/m2');
  assert.equal(cnh.get('TSK-8-applied')?.appliedRateTarget, '0006_DET-656 mg/m2');
  const kverneland = await standardsOf('kverneland-spreader');
  assert.equal(kverneland.get('TSK1-planted')?.seedRate, '000C_DET-452 seeds/m2');
  assert.equal(kverneland.get('TSK1-planted')?.equipmentWidth, '0043_DET-450 mm');
  // AGCO: each bin's own rate (not the ServiceUtility's DET-1, whose 0x0002 is 0 throughout), its boom's width and work state.
  const agco = await standardsOf('agco-microtrak');
  assert.deepEqual(agco.get('TSK2-applied-DET-15'), {
    elevation: 'elevation mm',
    recordingStatus: '008D_DET-8 undefined',
    appliedRate: '0002_DET-15 mm3/m2',
    appliedRateTarget: '0001_DET-15 mm3/m2',
    equipmentWidth: '0043_DET-8 mm',
  });
  assert.deepEqual(agco.get('TSK2-applied-DET-16'), {
    elevation: 'elevation mm',
    appliedRate: '0002_DET-16 mm3/m2',
    appliedRateTarget: '0001_DET-16 mm3/m2',
    equipmentWidth: '0043_DET-9 mm',
    recordingStatus: '008D_DET-9 undefined',
  });
});

/** Values of one column at the points of an operation, in time order. */
async function valuesOf(source: OperationSource, key: string): Promise<{ time: number; value: number }[]> {
  const out: { time: number; value: number }[] = [];
  for (const batch of await collect(source)) {
    const column = batch.numbers.get(key)!;
    for (let i = 0; i < batch.length; i++) out.push({ time: batch.time[i]!, value: column[i]! });
  }
  return out;
}

test('AGCO: one operation per bin, each with its own product; width and rates keep the dictionary reading', async () => {
  const { archive, dataset } = await openSample('agco-microtrak');
  try {
    const sources = await isoxmlDriver.read(dataset);
    const [bin15, bin16] = sources;
    assert.deepEqual(bin15!.meta.products, [{ name: 'Counter' }], 'PAN PDT1 → DET-15');
    assert.deepEqual(bin16!.meta.products, [{ name: 'yy' }], 'PAN PDT-1 → DET-16');
    for (const source of sources) {
      assert.deepEqual(source.meta.machinery.map((m) => m.name), ['Dual Plus ISOmod']);
      assert.ok(!source.meta.columns.some((c) => c.key.endsWith('_DET-1')), 'the ServiceUtility meters nothing');
    }
    // The boom's 0x0043 logs 15000: 15 000 mm by the dictionary (1 mm), 150 m by its DVP (0.01 m); only 15 m is a width.
    const widths = new Set((await valuesOf(bin15!, '0043_DET-8')).map((p) => p.value));
    assert.ok(widths.has(15000) && !widths.has(150000), [...widths].join(','));
    assert.ok(bin15!.meta.warnings.some((w) => /^0x0043 Actual Working Width: .*\(DET-8\); .*only the dictionary's reading is plausible, so values follow the dictionary$/.test(w)));
    // 0x0002 on DET-15: 22.3 L/ha by the dictionary and 2 226 L/ha by the DVP are both rates; its counters (73 L over 35 074 m²) say 20.8 L/ha.
    assert.ok(bin15!.meta.warnings.some((w) => /^0x0002 .*\(DET-15\); .*give 20\.8 L\/ha, which only the dictionary's reading agrees with, so values follow the dictionary$/.test(w)), bin15!.meta.warnings.join('\n'));
  } finally {
    await archive.close();
  }
});

test('CNH sprayer: the actual rate is read by the DVP where the machine counters confirm it, the setpoint by the dictionary', async () => {
  const { archive, dataset } = await openSample('cnh-planter-aircart');
  try {
    const tsk22 = (await isoxmlDriver.read(dataset)).find((s) => s.meta.id === 'TSK-22-applied')!;
    // The bin logs 0x0002 raw 34 370 (343.7 L/ha by its DVP's 0.01 L/ha; 3.437 L/ha by the dictionary) and 0x0001 raw
    // 3 741 583 (374 L/ha by the dictionary), and the device counted 685 L (0x0050) over 18 610 m² (0x0074): 368 L/ha.
    const rates = new Set((await valuesOf(tsk22, '0002_DET-685')).map((p) => p.value));
    assert.ok(rates.has(34370), 'raw 34 370 read as 34 370 mm³/m² = 343.7 L/ha');
    const targets = new Set((await valuesOf(tsk22, '0001_DET-685')).map((p) => p.value));
    assert.ok([...targets].some((v) => Math.abs(v - 37415.83) < 1e-6), 'raw 3 741 583 read as 37 415.83 mm³/m² = 374.16 L/ha');
    assert.match(tsk22.meta.columns.find((c) => c.key === '0002_DET-685')!.label, /\[read by the device's presentation: 1 mm3\/m2 per step\]$/);
  } finally {
    await archive.close();
  }
});

test('metadata: task, field, farm, grower, provider, products, machinery', async () => {
  const { archive, dataset } = await openSample('cnh-planter-aircart');
  try {
    const sources = await isoxmlDriver.read(dataset);
    const planted = sources.find((s) => s.meta.id === 'TSK-8-planted')!.meta;
    const applied = sources.find((s) => s.meta.id === 'TSK-8-applied')!.meta;
    assert.equal(planted.description, '20220919 Aussaat 25.77ha with...');
    assert.equal(planted.field, '25.77ha with holes');
    assert.equal(planted.farm, 'AEF Plugfest Bologna Fall 2022');
    assert.equal(planted.grower, 'Holtmann, Matthias');
    assert.equal(planted.provider, 'CNH Industrial N.V.');
    assert.equal(planted.fileFormat, 'ISO11783');
    // The seed bin's product goes with the planting, the fertilizer bin's with the application.
    assert.deepEqual(planted.products, [{ name: 'Corn_PF' }]);
    assert.deepEqual(applied.products, [{ name: '56E' }]);
    assert.deepEqual(
      planted.machinery.map((m) => [m.name, m.type, m.serialNumber]),
      [
        ['Vehicle Geometry', 'machine', '514621988'],
        ['Trip Computer Data', 'machine', '514621988'],
        ['Planter Valoterra', 'implement', 'MSW01004'],
      ],
    );
    assert.ok(planted.warnings.some((w) => /UTC offset -05:00/.test(w)), 'local-time controller is flagged');
  } finally {
    await archive.close();
  }
  const krone = await openSample('krone-baler-corrupt-stream');
  try {
    const [first] = await isoxmlDriver.read(krone.dataset);
    assert.equal(first!.meta.provider, 'Other', 'version 0.0 header without TaskControllerManufacturer');
    assert.equal(first!.meta.grower, 'BGA Emsland, Gemeinschaft');
  } finally {
    await krone.archive.close();
  }
});

test('detect: TASKDATA.XML in any case and folder, confirmed by its root element; junk and impostors are not claimed', async () => {
  const krone = await openArchive(sample('isoxml', 'krone-baler-corrupt-stream'));
  try {
    const [dataset] = await isoxmlDriver.detect(krone.entries);
    assert.equal(dataset!.root, 'corrupt-stream.zip!/TC_130609_1847');
    assert.ok(dataset!.entries.has('TASKDATA.XML') && dataset!.entries.has('TLG0001.BIN') && dataset!.entries.has('TLG0001.CSV'));
  } finally {
    await krone.close();
  }
  const mac = await openArchive(sample('isoxml', 'multi-subfolder-mac'));
  try {
    const datasets = await isoxmlDriver.detect(mac.entries);
    assert.deepEqual(
      datasets.map((d) => [d.root, [...d.entries.keys()].sort()]),
      [['multi-subfolder-and-mac.zip!/MultiSubFolderAndMac/MultiSubFolder/SubFolder1/SubFolder With Space/_/Another_SubFolder/TASKDATA/AnotherSubFolder Again', ['GRD00001.BIN', 'GRD00002.BIN', 'TASKDATA.XML', 'TLG00001.BIN', 'TLG00001.XML']]],
    );
  } finally {
    await mac.close();
  }
  const dir = await mkdtemp(join(tmpdir(), 'furrow-isoxml-'));
  try {
    await writeFile(join(dir, 'taskdata.xml'), '<?xml version="1.0"?><!-- not one --><Tasks/>');
    const archive = await openArchive(dir);
    assert.deepEqual(await isoxmlDriver.detect(archive.entries), []);
    await archive.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(rootElementName('\uFEFF<?xml version="1.0"?>\n<!-- c --><!DOCTYPE x [ <!ENTITY a "b"> ]>\n<ISO11783_TaskData VersionMajor="4">'), 'ISO11783_TaskData');
  assert.equal(rootElementName('<?xml version="1.0"?><!-- unfinished'), undefined);
});

test('points() can be called again and gives the same batches', async () => {
  const { archive, dataset } = await openSample('kverneland-spreader');
  try {
    const [source] = await isoxmlDriver.read(dataset);
    const first = await collect(source!);
    const warnings = [...source!.meta.warnings];
    const second = await collect(source!);
    assert.deepEqual(second, first);
    assert.deepEqual(source!.meta.warnings, warnings, 'warnings are not repeated');
  } finally {
    await archive.close();
  }
});

test('cci-broken-timelogs: the header cut off before </TIM> is used with a warning, nothing crashes', async () => {
  const { archive, dataset } = await openSample('cci-broken-timelogs');
  try {
    const sources = await isoxmlDriver.read(dataset);
    const tsk3 = sources.find((s) => s.meta.id === 'TSK3-harvested')!;
    assert.equal(pointCount(await collect(tsk3)), 1599);
    assert.ok(tsk3.meta.warnings.some((w) => /TLG00003\.XML ends before its closing <\/TIM> .*the 26 DLVs listed before the end were used/.test(w)), tsk3.meta.warnings.join('\n'));
  } finally {
    await archive.close();
  }
});

test('KRONE: a timelog of positions only is reported, not converted; stray bytes are reported', async () => {
  const { archive, dataset } = await openSample('krone-baler-corrupt-stream');
  try {
    const sources = await isoxmlDriver.read(dataset);
    const tsk5 = sources.find((s) => s.meta.id === 'TSK5-harvested')!;
    assert.ok(tsk5.meta.warnings.includes('TSK5: timelog TLG0008 logs no value that identifies an operation (positions only); it was not converted'));
    const tsk3 = sources.find((s) => s.meta.id === 'TSK3-harvested')!;
    await collect(tsk3);
    assert.ok(tsk3.meta.warnings.some((w) => /TLG0006\.BIN: record 2 at byte 16 is broken .*skipped 5 bytes/.test(w)));
    // The KRONE DVP presents crop moisture in 0.1 % steps where the dictionary has ppm: by the dictionary no value
    // reaches 1 %, by the DVP they lie within 1–80 %, so the DVP's reading is used.
    assert.ok(
      tsk3.meta.warnings.some((w) =>
        /^0x0063 Crop Moisture: the device presents one raw step as 0.1000000015 %, 1000× larger than the ISO 11783-11 dictionary's 1 ppm \(DET-1\); by the dictionary 0 and by the device's presentation \d+ of \d+ non-zero values .*only the device's reading is plausible, so values follow the device's presentation$/.test(w),
      ),
      tsk3.meta.warnings.join('\n'),
    );
    // The baler logs no width and describes none.
    assert.ok(tsk3.meta.warnings.some((w) => w.startsWith('no working width is logged or described; area cannot be computed')));
    assert.equal(tsk3.meta.columns.find((c) => c.standard === 'equipmentWidth'), undefined);
    // TLG0005.CSV (the export beside the timelog) has five records at 15.05.2012 17:01:14; the second logs raw 136 in column
    // '99/-1 (0x0063), the first carries 137 from 17:01:13. By the DVP (0.1 % per step) that is 13.7 % then 13.6 %, i.e.
    // 137 000 and 136 000 ppm in the column's dictionary unit (by the dictionary's 1 ppm it would be 0.0136 %).
    const tsk2 = sources.find((s) => s.meta.id === 'TSK2-harvested')!;
    const at = Date.UTC(2012, 4, 15, 17, 1, 14);
    const moisture = (await valuesOf(tsk2, '0063_DET-1')).filter((p) => Math.floor(p.time / 1000) * 1000 === at);
    assert.deepEqual(
      moisture.map((p) => p.value),
      [137000, 136000, 136000, 136000, 136000],
    );
  } finally {
    await archive.close();
  }
});

/** Copies a sample's TASKDATA folder to a temporary directory (outside the repository) to damage it. */
async function scratchCopy(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-isoxml-'));
  await cp(sample('isoxml', name, 'TASKDATA'), join(dir, 'TASKDATA'), { recursive: true });
  return dir;
}

async function readFolder(dir: string): Promise<OperationSource[]> {
  const archive = await openArchive(dir);
  try {
    const [dataset] = await isoxmlDriver.detect(archive.entries);
    return await isoxmlDriver.read(dataset!);
  } finally {
    await archive.close();
  }
}

test('a truncated TLG keeps its whole records and warns', async () => {
  const dir = await scratchCopy('cci-forage-harvester');
  try {
    const bin = join(dir, 'TASKDATA', 'TLG00001.bin');
    const size = (await readFile(bin)).length;
    await truncate(bin, size - 7);
    const archive = await openArchive(dir);
    const [dataset] = await isoxmlDriver.detect(archive.entries);
    const sources = await isoxmlDriver.read(dataset!);
    const tsk1 = sources.find((s) => s.meta.id === 'TSK1-harvested')!;
    assert.equal(pointCount(await collect(tsk1)), 4715);
    assert.ok(tsk1.meta.warnings.some((w) => /^TLG00001\.BIN ends mid-record after 4715 records; the last \d+ bytes were ignored$/.test(w)), tsk1.meta.warnings.join('\n'));
    await archive.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a task with several timelogs streams them in time order, whatever the document order', async () => {
  const dir = await scratchCopy('cci-forage-harvester');
  try {
    const path = join(dir, 'TASKDATA', 'TASKDATA.XML');
    const xml = await readFile(path, 'utf8');
    const swapped = xml.replace('<TLG A="TLG00006" C="1"/>', '<TLG A="TLG00007" C="1"/>').replace(/(<TIM A="2020-01-03T00:03:51"[^>]*\/>\s*)<TLG A="TLG00007" C="1"\/>/, '$1<TLG A="TLG00006" C="1"/>');
    assert.notEqual(swapped, xml);
    await writeFile(path, swapped);
    const tsk6 = (await readFolder(dir)).find((s) => s.meta.id === 'TSK6-harvested')!;
    const batches = await collect(tsk6);
    const times = batches.flatMap((b) => Array.from(b.time.subarray(0, b.length)));
    assert.equal(times.length, 187 + 3883);
    assert.equal(new Date(times[0]!).toISOString(), '2020-01-03T00:00:11.000Z');
    assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]!), 'non-decreasing times');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('malformed or hostile TASKDATA.XML fails the dataset with a DatasetError', async () => {
  const dir = await scratchCopy('cci-forage-harvester');
  try {
    const path = join(dir, 'TASKDATA', 'TASKDATA.XML');
    const xml = await readFile(path, 'utf8');
    await writeFile(path, xml.replace('</TSK>', '</TKS>'));
    await assert.rejects(readFolder(dir), (error: Error) => error instanceof DatasetError && /TASKDATA\.XML is not well-formed XML: TASKDATA\.XML:\d+:\d+: /.test(error.message));
    await writeFile(path, xml.replace('<ISO11783_TaskData', '<!DOCTYPE ISO11783_TaskData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<ISO11783_TaskData').replace('B="SAV"', 'B="&xxe;"'));
    await assert.rejects(readFolder(dir), (error: Error) => error instanceof DatasetError && /declares XML entities/.test(error.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a card with tasks but no timelogs is a DatasetError that says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-isoxml-'));
  try {
    await writeFile(join(dir, 'TASKDATA.XML'), '<ISO11783_TaskData VersionMajor="4"><TSK A="TSK1" B="Plan" G="1"/></ISO11783_TaskData>');
    await assert.rejects(readFolder(dir), /no operation to convert: its 1 task\(s\) have no readable timelogs/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
