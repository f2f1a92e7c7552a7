import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agLeaderTextDriver } from '../../../src/formats/agleader-text/driver.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { figuresOf, readOperations } from '../figures.ts';

/*
 * The header status (column 9) as the Ag Leader text's work state: 33 (YM2000/PF) and 1 (newer
 * monitors) mean "down" (formats.md §6.3); they share only bit 0, read as the down flag. The STRIPS
 * sample logs 33 on all 4,102 rows (SOURCES-other.md), so all of it is worked ground; a copy of its
 * first rows with the status rewritten to 32 and 0 (bit 0 clear) is not.
 */

const FILE = join(sample('agleader-advanced-txt/strips-2012-interim'), '2012-interim.txt');

test('header down on every row of the STRIPS sample (status 33): every point works', async () => {
  const { sources, close } = await readOperations(sample('agleader-advanced-txt/strips-2012-interim'), agLeaderTextDriver);
  try {
    const source = sources[0]!;
    assert.equal(source.meta.columns.find((c) => c.key === 'headerDown')!.standard, 'recordingStatus');
    const figures = await figuresOf(source);
    assert.equal(figures.points, 4102);
    assert.equal(figures.working, 4102);
  } finally {
    await close();
  }
});

test('rows with the header status bit 0 clear (32, 0) work no ground; the grain their flow measured still counts', async () => {
  await withTempDir(async (dir) => {
    const lines = (await readFile(FILE, 'latin1')).split('\n').slice(0, 12);
    // Rows 4–7 lifted: status 32 (YM2000 with bit 0 clear) and 0.
    const edited = lines.map((line, i) => {
      const c = line.split(',');
      if (i >= 4 && i < 8) c[8] = i % 2 === 0 ? '32' : '0';
      return c.join(',');
    });
    await writeFile(join(dir, 'yield.txt'), edited.join('\n') + '\n');
    const { sources, close } = await readOperations(dir, agLeaderTextDriver);
    try {
      const figures = await figuresOf(sources[0]!);
      assert.equal(figures.points, 12);
      assert.equal(figures.working, 8);
      // By hand: area = Σ distance × swath of the 8 rows down, in² → m² (× 0.00064516).
      let inches2 = 0;
      let flowLb = 0;
      edited.forEach((line, i) => {
        const c = line.split(',').map(Number);
        if (!(i >= 4 && i < 8)) inches2 += c[5]! * c[6]!;
        flowLb += c[2]! * c[4]!;
      });
      assert.ok(Math.abs(figures.area - inches2 * 0.00064516) < 1e-6, `${figures.area} m² vs ${inches2 * 0.00064516}`);
      // Grain: flow × interval of all 12 rows, header up or down (the engine integrates the flow sensor).
      assert.ok(Math.abs(figures.yieldMass / 0.45359237 - flowLb) < 1e-6, `${figures.yieldMass / 0.45359237} lb vs ${flowLb}`);
    } finally {
      await close();
    }
  });
});
