import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ddiHex, isProprietaryDdi, lookupDdi, parseDdi } from '../../../src/formats/isoxml/dictionary.ts';
import { DDI_ENTRIES } from '../../../src/formats/isoxml/ddi-dictionary.ts';
import { sample } from '../../helpers/samples.ts';

const GENERATOR = fileURLToPath(new URL('../../../src/formats/isoxml/gen-dictionary.mjs', import.meta.url));
const GENERATED = fileURLToPath(new URL('../../../src/formats/isoxml/ddi-dictionary.ts', import.meta.url));

test('ddi-dictionary.ts is exactly what gen-dictionary.mjs makes of reference/ddi.tsv', () => {
  const tsv = sample('..', 'reference', 'ddi.tsv');
  const output = execFileSync(process.execPath, [GENERATOR, tsv], { encoding: 'utf8' });
  assert.equal(output, readFileSync(GENERATED, 'utf8'));
  assert.equal(DDI_ENTRIES.length, 641);
});

test('dictionary entries the driver relies on', () => {
  // Checked against ddi.tsv (isoxml-js, Apache-2.0) and isoxml.md.
  assert.deepEqual(lookupDdi(0x0054), { ddi: 0x0054, name: 'Mass Per Area Yield', unit: 'mg/m²', resolution: 1 });
  assert.deepEqual(lookupDdi(0x000c), { ddi: 0x000c, name: 'Actual Count Per Area Application Rate', unit: '/m²', resolution: 0.001 });
  assert.equal(lookupDdi(0x0002)?.resolution, 0.01);
  assert.equal(lookupDdi(0x0063)?.unit, 'ppm');
  assert.equal(lookupDdi(0x018d)?.name, 'Actual Speed');
  assert.equal(lookupDdi(0xea60), undefined);
  assert.equal(isProprietaryDdi(0xe000), true);
  assert.equal(isProprietaryDdi(0xdfff), false);
  assert.equal(ddiHex(0x5a), '005A');
  assert.equal(parseDdi('5a'), 0x5a);
  assert.ok(Number.isNaN(parseDdi('')));
});
