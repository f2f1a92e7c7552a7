import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differencePercent, figuresOf, furrowFigure } from '../figures.ts';
import { collect, column, readOne, withSampleEntries } from './helpers.ts';

/*
 * Section (row, nozzle) state and the monitor's own total on Climate's sample set (issue 12).
 * Expected figures: the session summary's load total 4.12.3 (24,054.79 lb, and 0.03 lb in the
 * first data file's header; measured with an independent protobuf dump), and counts of the
 * records' own fields (rows on 3.7.9, nozzles on 2.2.1, row populations 2.4.15).
 */

test('harvest: the monitor load total is declared, and Furrow harvests within 3 % of it (+0.10 %)', async () => {
  await withSampleEntries(async (entries) => {
    const { source } = await readOne(entries, 'harvest_1_Corn_2015_09_22');
    const totals = source.meta.machineTotals ?? [];
    assert.equal(totals.length, 1);
    const load = totals[0]!;
    // 24,054.79 lb in the _999 summary − 0.03 lb when file 000 started.
    assert.deepEqual([load.quantity, load.value, load.unit], ['yieldMass', 24_054.76, 'lb']);
    assert.match(load.label, /4\.12\.3.*_999/);
    const figures = await figuresOf(source);
    // Measured: Σ wet mass = Σ flow × interval = 24,078.5 lb (the flow measured while no row is on counted too).
    const furrow = furrowFigure(figures, load);
    assert.ok(Math.abs(differencePercent(furrow, load.value)) < 3, `${furrow} lb vs ${load.value} lb`);
    assert.ok(Math.abs(furrow - 24_078.5) < 0.5, `${furrow} lb`);
  });
});

test('harvest: header width beside the width of the rows on; no ground is worked with every row off', async () => {
  await withSampleEntries(async (entries) => {
    const { source } = await readOne(entries, 'harvest_1_Corn_2015_09_22');
    const columns = new Map(source.meta.columns.map((c) => [c.key, c]));
    assert.equal(columns.get('width')!.standard, 'workingWidth');
    assert.equal(columns.get('headerWidth')!.standard, 'equipmentWidth');
    const p = await collect(source);
    // Header 4.4.2: 180 in on every record; the rows on: 0 on 573 records (3.7.9 = 0), 180 in on the others.
    assert.ok(column(p, 'headerWidth').every((w) => w === 180));
    assert.equal(column(p, 'width').filter((w) => w === 0).length, 573);
    const figures = await figuresOf(source);
    assert.equal(figures.working, p.count - 573);
  });
});

test('liquid map: boom width beside the width of the nozzles on', async () => {
  await withSampleEntries(async (entries) => {
    const { source } = await readOne(entries, 'liquid_map_2017_06_22');
    const p = await collect(source);
    assert.ok(column(p, 'boomWidth').every((w) => w === 1080));
    const status = column(p, 'recordingStatus');
    const width = column(p, 'width');
    // Spraying on 4,785 records, each with nozzles on; not spraying, no width on.
    assert.equal(status.filter((s) => s === 1).length, 4785);
    for (let i = 0; i < p.count; i++) assert.ok(status[i] === 1 ? width[i]! > 0 : !(width[i]! > 0), `record ${i}`);
    const figures = await figuresOf(source);
    assert.equal(figures.working, 4785);
  });
});

test('field map: a row that logs no population is not planting and works no ground', async () => {
  await withSampleEntries(async (entries) => {
    const { source } = await readOne(entries, 'field_map_2015_05_01');
    const p = await collect(source);
    const population = column(p, 'population');
    const working = column(p, 'workingWidth');
    // Measured: 65,040 row entries, 12,368 without a population: every row of 721 frames (planter
    // lifted) and, in 81 frames, some rows only (row clutches at the headlands, e.g. rows 1–7 off).
    const off = population.filter((v) => Number.isNaN(v)).length;
    assert.equal(off, 12_368);
    for (let i = 0; i < p.count; i++) assert.equal(working[i], Number.isNaN(population[i]!) ? 0 : 30);
    const figures = await figuresOf(source);
    assert.equal(figures.working, 65_040 - 12_368);
  });
});
