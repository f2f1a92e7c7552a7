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
