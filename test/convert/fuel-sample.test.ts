import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../src/convert-input.ts';
import { sample } from '../helpers/samples.ts';
import { withTempDir } from '../helpers/temp.ts';

/*
 * The CCI forage harvester card logs 0x0094 Total Fuel Consumption (a running total, litres) and
 * no per-point fuel. Leaf's summary has `totalFuelUsed`: Furrow gives the counter's growth over the
 * operation. Expected figures come from ORACLE.json, written by an independent reader of the
 * binary timelogs (SOURCES.md): for a task of one timelog, fuel used = the counter's max − min
 * (it only rises within a task). Tasks whose counter falls (a reset) or spans two timelogs are left
 * out here: max − min would not be the growth then.
 */
interface OracleValue {
  ddi: string;
  min: number;
  max: number;
}
interface OracleTask {
  designator: string;
  timelogs: { values: Record<string, OracleValue> }[];
}

test('totalFuelUsed is the growth of the machine’s fuel counter (0x0094), within 0.01 L of the independent reader on every one-timelog task', async () => {
  const dir = sample('isoxml', 'cci-broken-timelogs');
  const oracle = JSON.parse(await readFile(join(dir, 'ORACLE.json'), 'utf8')) as { tasks: OracleTask[] };
  const xml = await readFile(join(dir, 'TASKDATA', 'TASKDATA.XML'), 'utf8');
  const taskIds = [...xml.matchAll(/<TSK A="([^"]+)" B="([^"]*)"/g)].map((m) => ({ id: m[1]!, designator: m[2]! }));
  await withTempDir(async (out) => {
    await convertInput(dir, out, { units: 'default', geojson: false });
    let compared = 0;
    for (const [i, task] of oracle.tasks.entries()) assert.equal(taskIds[i]?.designator.trim(), task.designator.trim(), 'oracle tasks are in TASKDATA.XML order');
    for (const [i, task] of oracle.tasks.entries()) {
      const fuel = task.timelogs.length === 1 ? task.timelogs[0]!.values['0094_DET-1'] : undefined;
      const summaryPath = join(out, 'TASKDATA', `${taskIds[i]!.id}-harvested`, 'summary.json');
      if (!fuel || !existsSync(summaryPath)) continue;
      const summary = JSON.parse(await readFile(summaryPath, 'utf8')).properties;
      assert.equal(summary.totalFuelUsed.unit, 'L');
      assert.ok(Math.abs(summary.totalFuelUsed.value - (fuel.max - fuel.min)) < 0.01, `${taskIds[i]!.id}: ${summary.totalFuelUsed.value} L vs ${fuel.max - fuel.min} L`);
      compared++;
    }
    assert.ok(compared >= 10, `${compared} tasks compared`);
  });
});
