import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describeDataLogValues } from '../../../src/formats/isoxml/columns.ts';
import { deviceClassName, deviceClassOf, resolveFamily } from '../../../src/formats/isoxml/ddi-operations.ts';
import { planTask, type TimeLogInfo } from '../../../src/formats/isoxml/plan.ts';
import { readTaskData, type TaskData } from '../../../src/formats/isoxml/taskdata.ts';
import { parseTimeLogHeader } from '../../../src/formats/isoxml/timelog-header.ts';

function stream(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

async function plan(taskdata: string, headers: Record<string, string>) {
  const data: TaskData = await readTaskData(stream(taskdata), 'TASKDATA.XML', async () => undefined);
  const task = data.tasks[0]!;
  const logs: TimeLogInfo[] = [];
  for (const name of task.timeLogs) {
    const header = await parseTimeLogHeader(stream(headers[name]!), `${name}.XML`);
    logs.push({ name, binaryKey: `${name}.BIN`, header, columns: describeDataLogValues(data, header) });
  }
  return planTask(data, task, logs);
}

/** A boom sprayer (NAME class 6) whose five sections carry a fixed width (DPT 0x0046) and which logs no 0x0043. */
const SPRAYER = `<ISO11783_TaskData VersionMajor="4">
<DVC A="DVC-1" B="Boom sprayer" D="A00C800046A31C2C" E="SN-9">
  <DET A="DET-1" B="1" C="1" D="Sprayer" E="0" F="0"><DOR A="10"/><DOR A="11"/></DET>
  <DET A="DET-2" B="2" C="2" D="Boom" E="1" F="1"/>
  ${[3, 4, 5, 6, 7].map((n) => `<DET A="DET-${n}" B="${n}" C="4" D="Section ${n - 2}" E="${n}" F="2"><DOR A="${100 + n}"/></DET>`).join('\n  ')}
  <DPD A="10" B="0002" C="1" D="9"/><DPD A="11" B="008D" C="1" D="9"/>
  ${[3, 4, 5, 6, 7].map((n) => `<DPT A="${100 + n}" B="0046" C="2400" D="Width"/>`).join('\n  ')}
</DVC>
<TSK A="TSK1" B="Spraying" G="4"><TLG A="TLG00001" C="1"/></TSK>
</ISO11783_TaskData>`;

test('without a logged working width, fixed section widths (DPT 0x0046) are summed into the equipment width', async () => {
  const { operations, warnings } = await plan(SPRAYER, {
    TLG00001: '<TIM A="" D="4"><PTN A="" B=""/><DLV A="0002" B="" C="DET-1"/><DLV A="008D" B="" C="DET-1"/></TIM>',
  });
  assert.deepEqual(warnings, []);
  assert.equal(operations.length, 1);
  const [op] = operations;
  assert.equal(op!.type, 'applied');
  assert.equal(op!.originalOperationType, 'Sprayers');
  const width = op!.columns.find((c) => c.standard === 'equipmentWidth')!;
  assert.deepEqual(width, { key: 'DPT-0046_DVC-1-sections', label: 'Working width: sum of 5 section widths, fixed device properties (DVC-1)', kind: 'number', unit: 'mm', standard: 'equipmentWidth' });
  assert.deepEqual(op!.constants, [{ key: 'DPT-0046_DVC-1-sections', value: 12000 }]);
  assert.deepEqual(op!.machinery, [{ name: 'Boom sprayer', type: 'implement', serialNumber: 'SN-9' }]);
});

test('a fixed width on the device or function element is used as it stands', async () => {
  const withBoomWidth = SPRAYER.replace('<DET A="DET-2" B="2" C="2" D="Boom" E="1" F="1"/>', '<DET A="DET-2" B="2" C="2" D="Boom" E="1" F="1"><DOR A="200"/></DET>').replace('</DVC>', '<DPT A="200" B="0046" C="18000" D="Boom width"/></DVC>');
  const { operations } = await plan(withBoomWidth, { TLG00001: '<TIM A="" D="4"><PTN A="" B=""/><DLV A="0002" B="" C="DET-1"/></TIM>' });
  assert.deepEqual(operations[0]!.constants, [{ key: 'DPT-0046_DET-2', value: 18000 }]);
});

/** A seeder (class 4) with a seed bin allocated a variety of a crop, and a fertilizer bin, both metered by mass. */
const SEEDER = `<ISO11783_TaskData VersionMajor="4">
<PGP A="PGP1" B="Seeds" C="2"/><PGP A="PGP2" B="Fertilizers" C="1"/>
<CTP A="CTP1" B="Winter Wheat" C="PGP1"><CVT A="CVT1" B="Julius" C="PDT1"/></CTP>
<PDT A="PDT1" B="Julius C1" C="PGP1"/><PDT A="PDT2" B="DAP 18-46" C="PGP2"/>
<PFD A="PFD1" C="North field"/>
<DVC A="DVC-1" B="Drill" D="A008800012E3001C">
  <DET A="DET-1" B="1" C="1" D="Drill" E="0" F="0"><DOR A="10"/></DET>
  <DET A="DET-2" B="2" C="3" D="Seed tank" E="1" F="1"><DOR A="11"/></DET>
  <DET A="DET-3" B="3" C="3" D="Fertilizer tank" E="2" F="1"><DOR A="12"/></DET>
  <DPD A="10" B="0043" C="1" D="9"/><DPD A="11" B="0007" C="1" D="9"/><DPD A="12" B="0007" C="1" D="9"/>
</DVC>
<TSK A="TSK1" B="Drilling" E="PFD1" G="4"><TLG A="TLG00001" C="1"/><PAN A="PDT1" E="DET-2"/><PAN A="PDT2" E="DET-3"/></TSK>
</ISO11783_TaskData>`;

test('allocated products tell seed from fertilizer when both go by mass; crop and variety come from the seed product (the fertilizer has none: the field names no crop)', async () => {
  const { operations } = await plan(SEEDER, {
    TLG00001: '<TIM A="" D="4"><PTN A="" B=""/><DLV A="0043" B="" C="DET-1"/><DLV A="0007" B="" C="DET-2"/><DLV A="0007" B="" C="DET-3"/></TIM>',
  });
  assert.deepEqual(
    operations.map((o) => [o.type, o.crop, o.varieties, o.products.map((p) => p.name), o.columns.filter((c) => c.standard).map((c) => `${c.standard}=${c.key}`)]),
    [
      ['planted', 'winter wheat', ['Julius'], ['Julius C1'], ['equipmentWidth=0043_DET-1', 'seedRate=0007_DET-2']],
      ['applied', undefined, [], ['DAP 18-46'], ['equipmentWidth=0043_DET-1', 'appliedRate=0007_DET-3']],
    ],
  );
});

test('a timelog that logs no operation DDI is a warning, not an operation', async () => {
  const { operations, warnings } = await plan(SEEDER, { TLG00001: '<TIM A="" D="4"><PTN A="" B=""/><DLV A="0043" B="" C="DET-1"/></TIM>' });
  assert.deepEqual(operations, []);
  assert.deepEqual(warnings, ['TSK1: timelog TLG00001 logs no value that identifies an operation (only positions, work states, totals or device-specific values); it was not converted']);
});

test('device class from the client NAME', () => {
  assert.equal(deviceClassOf('A00E84000DE03CE9'), 7);
  assert.equal(deviceClassName(7), 'Harvesters');
  assert.equal(deviceClassOf('A008800012E3001C'), 4);
  assert.equal(deviceClassOf('A00A800825600000'), 5);
  assert.equal(deviceClassOf('A00C830085600000'), 6);
  assert.equal(deviceClassOf('A004800000000000'), 2);
  assert.equal(deviceClassName(2), 'Primary Soil Tillage');
  assert.equal(deviceClassName(0), undefined, 'non-specific says nothing');
  assert.equal(deviceClassName(deviceClassOf('A0D23D000CC00000')), undefined, 'class 105 is outside the table');
  assert.equal(deviceClassOf('nonsense'), undefined);
  // Mass/volume rates are the ambiguous family; everything else is decided by the DDI alone.
  assert.equal(resolveFamily('application', { deviceClass: 4, deviceLogsSeedCounts: false }), 'planted');
  assert.equal(resolveFamily('application', { deviceClass: 4, deviceLogsSeedCounts: true }), 'applied');
  assert.equal(resolveFamily('application', { deviceClass: 6, deviceLogsSeedCounts: false }), 'applied');
  assert.equal(resolveFamily('application', { productIsSeed: true, deviceClass: 6, deviceLogsSeedCounts: false }), 'planted');
  assert.equal(resolveFamily('yield', { deviceClass: 4, deviceLogsSeedCounts: false }), 'harvested');
});

/**
 * A dual-boom sprayer modelled on the AGCO card (agco-microtrak.zip): a controller device (DVC-1)
 * whose root logs 0x0002 without metering anything, and an implement whose two booms (functions
 * DET-8, DET-9) each carry a bin (DET-15, DET-16) allocated a different product. Boom DET-9 logs its
 * width (0x0043); boom DET-8 only describes it (DPT 0x0046 = 15000 mm).
 */
const DUAL_BOOM = `<ISO11783_TaskData VersionMajor="3">
<PDT A="PDT1" B="Counter"/><PDT A="PDT-1" B="yy"/>
<DVC A="DVC-1" B="ServiceUtility" D="A0D23D000CC00000">
  <DET A="DET-1" B="65534" C="1" D="DispenseControl" E="0" F="0"><DOR A="10"/><DOR A="11"/></DET>
  <DPD A="10" B="0002" C="3" D="9"/><DPD A="11" B="008D" C="1" D="9"/>
</DVC>
<DVC A="DVC-2" B="Dual Plus ISOmod" D="A00C800046A31C2C">
  <DET A="DET-13" B="1" C="1" E="0" F="0"><DOR A="30"/></DET>
  <DET A="DET-8" B="1100" C="2" E="1" F="1"><DOR A="31"/><DOR A="40"/></DET>
  <DET A="DET-9" B="1101" C="2" E="2" F="1"><DOR A="33"/><DOR A="34"/></DET>
  <DET A="DET-15" B="1106" C="3" E="7" F="1100"><DOR A="35"/><DOR A="36"/></DET>
  <DET A="DET-16" B="1107" C="3" E="8" F="1101"><DOR A="37"/><DOR A="38"/></DET>
  <DPD A="30" B="008D" C="1" D="9"/><DPD A="31" B="008D" C="1" D="9"/><DPD A="33" B="0043" C="1" D="9"/><DPD A="34" B="008D" C="1" D="9"/>
  <DPD A="35" B="0002" C="1" D="9"/><DPD A="36" B="0001" C="3" D="8"/><DPD A="37" B="0002" C="1" D="9"/><DPD A="38" B="0001" C="3" D="8"/>
  <DPT A="40" B="0046" C="15000"/>
</DVC>
<TSK A="TSK2" B="350" G="4"><TLG A="TLG00004" C="1"/><PAN A="PDT1" E="DET-15"/><PAN A="PDT-1" E="DET-16"/></TSK>
</ISO11783_TaskData>`;

const DUAL_BOOM_LOG = `<TIM A="" D="4"><PTN A="" B=""/>
  <DLV A="0002" B="" C="DET-1"/><DLV A="008D" B="" C="DET-1"/><DLV A="008D" B="" C="DET-13"/>
  <DLV A="008D" B="" C="DET-8"/><DLV A="0043" B="" C="DET-9"/><DLV A="008D" B="" C="DET-9"/>
  <DLV A="0002" B="" C="DET-16"/><DLV A="0001" B="" C="DET-16"/><DLV A="0002" B="" C="DET-15"/><DLV A="0001" B="" C="DET-15"/>
</TIM>`;

const standards = (op: { columns: { key: string; standard?: string }[] }) => Object.fromEntries(op.columns.filter((c) => c.standard).map((c) => [c.standard, c.key]));

test('bins allocated different products on separate booms are separate operations, each with its boom\'s width and work state', async () => {
  const { operations } = await plan(DUAL_BOOM, { TLG00004: DUAL_BOOM_LOG });
  assert.deepEqual(
    operations.map((o) => [o.type, o.meteringElementId, o.products, o.machinery.map((m) => m.name)]),
    [
      ['applied', 'DET-15', [{ name: 'Counter' }], ['Dual Plus ISOmod']],
      ['applied', 'DET-16', [{ name: 'yy' }], ['Dual Plus ISOmod']],
    ],
  );
  const [bin15, bin16] = operations;
  // DET-15's boom DET-8 logs its work state but not its width: the boom's fixed 0x0046 (15000 mm) stands in.
  assert.deepEqual(standards(bin15!), { appliedRate: '0002_DET-15', appliedRateTarget: '0001_DET-15', recordingStatus: '008D_DET-8', equipmentWidth: 'DPT-0046_DET-8' });
  assert.deepEqual(bin15!.constants, [{ key: 'DPT-0046_DET-8', value: 15000 }]);
  assert.deepEqual(standards(bin16!), { appliedRate: '0002_DET-16', appliedRateTarget: '0001_DET-16', equipmentWidth: '0043_DET-9', recordingStatus: '008D_DET-9' });
  // Each keeps its own branch and the device root above both; not the other boom, not the controller that meters nothing.
  assert.deepEqual(
    bin15!.columns.map((c) => c.key),
    ['008D_DET-13', '008D_DET-8', '0002_DET-15', '0001_DET-15', 'DPT-0046_DET-8'],
  );
  assert.deepEqual(
    bin16!.columns.map((c) => c.key),
    ['008D_DET-13', '0043_DET-9', '008D_DET-9', '0002_DET-16', '0001_DET-16'],
  );
  assert.deepEqual(bin15!.warnings, []);
});

test('bins allocated the same product stay one operation, its rate from a bin rather than the element that meters nothing', async () => {
  const { operations } = await plan(DUAL_BOOM.replace('<PAN A="PDT-1" E="DET-16"/>', '<PAN A="PDT1" E="DET-16"/>'), { TLG00004: DUAL_BOOM_LOG });
  assert.equal(operations.length, 1);
  const [op] = operations;
  assert.equal(op!.meteringElementId, undefined);
  // DET-1 is nearer its device root (depth 0) but nothing is allocated to it, above or below it, and it is no bin.
  assert.equal(standards(op!).appliedRate, '0002_DET-16');
  assert.deepEqual(op!.products, [{ name: 'Counter' }]);
});

test('an operation whose devices neither log nor describe a working width says that its area cannot be computed', async () => {
  const baler = `<ISO11783_TaskData VersionMajor="4">
<DVC A="DVC-1" B="Baler" D="A00E84000DE03CE9"><DET A="DET-1" B="1" C="1" E="0" F="0"><DOR A="1"/><DOR A="2"/></DET><DPD A="1" B="0063" C="1" D="9"/><DPD A="2" B="008D" C="1" D="9"/></DVC>
<TSK A="TSK1" G="4"><TLG A="TLG00001" C="1"/></TSK>
</ISO11783_TaskData>`;
  const { operations } = await plan(baler, { TLG00001: '<TIM A="" D="4"><PTN A="" B=""/><DLV A="0063" B="" C="DET-1"/><DLV A="008D" B="" C="DET-1"/></TIM>' });
  assert.deepEqual(operations[0]!.warnings, [
    'no working width is logged or described; area cannot be computed (no element of Baler logs 0x0043 Actual Working Width, and none describes a fixed 0x0043 or 0x0046 width)',
  ]);
});

test('a mixture product (PDT F=2 with PRN parts) is the metered tank mix, its parts listed as components', async () => {
  const mix = DUAL_BOOM.replace('<PDT A="PDT1" B="Counter"/>', '<PDT A="PDT1" B="Counter" F="2"><PRN A="PDT9" B="1000"/><PRN A="PDT8" B="50"/></PDT><PDT A="PDT9" B="Water"/><PDT A="PDT8" B="AMS"/>');
  const { operations } = await plan(mix, { TLG00004: DUAL_BOOM_LOG });
  assert.deepEqual(
    operations.map((o) => o.products),
    [[{ name: 'Counter' }, { name: 'Water', type: 'Component' }, { name: 'AMS', type: 'Component' }], [{ name: 'yy' }]],
  );
});

/** A one-row planter (class 4) whose row unit logs seed count rate, down force as a force, singulation, skips and multiples. */
const PLANTER = `<ISO11783_TaskData VersionMajor="4">
<DVC A="DVC-1" B="Planter" D="A008800046A31C2C">
  <DET A="DET-1" B="1" C="1" D="Planter" E="0" F="0"><DOR A="10"/><DOR A="11"/><DOR A="12"/></DET>
  <DET A="DET-2" B="2" C="4" D="Row 1" E="1" F="1"><DOR A="20"/><DOR A="21"/><DOR A="22"/><DOR A="23"/><DOR A="24"/><DOR A="25"/></DET>
  <DPD A="10" B="0043" C="1" D="9"/><DPD A="11" B="008D" C="1" D="9"/><DPD A="12" B="016E" C="1" D="9"/>
  <DPD A="20" B="000C" C="1" D="9"/><DPD A="21" B="01AB" C="1" D="9"/><DPD A="22" B="019F" C="1" D="9"/><DPD A="23" B="01A1" C="1" D="9"/><DPD A="24" B="01A3" C="1" D="9"/><DPD A="25" B="000B" C="1" D="9"/>
</DVC>
<TSK A="TSK1" B="Planting" G="4"><TLG A="TLG00001" C="1"/></TSK>
</ISO11783_TaskData>`;

const PLANTER_LOG = `<TIM A="" D="4"><PTN A="" B=""/>
  <DLV A="0043" B="" C="DET-1"/><DLV A="008D" B="" C="DET-1"/><DLV A="016E" B="" C="DET-1"/>
  <DLV A="000C" B="" C="DET-2"/><DLV A="01AB" B="" C="DET-2"/><DLV A="019F" B="" C="DET-2"/><DLV A="01A1" B="" C="DET-2"/><DLV A="01A3" B="" C="DET-2"/><DLV A="000B" B="" C="DET-2"/>
</TIM>`;

test("a planter's down force (0x01AB, a force; not 0x016E, a pressure), singulation, skips and multiples become Leaf's planter properties", async () => {
  const { operations } = await plan(PLANTER, { TLG00001: PLANTER_LOG });
  assert.equal(operations.length, 1);
  assert.equal(operations[0]!.type, 'planted');
  assert.deepEqual(standards(operations[0]!), {
    equipmentWidth: '0043_DET-1',
    recordingStatus: '008D_DET-1',
    seedRate: '000C_DET-2',
    seedRateTarget: '000B_DET-2',
    downForce: '01AB_DET-2',
    singulation: '019F_DET-2',
    skips: '01A1_DET-2',
    doubles: '01A3_DET-2',
  });
});
