import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineMeta, MergeConflictError } from '../../src/jobs/combined-meta.ts';
import type { OperationMeta } from '../../src/formats/types.ts';

function meta(changes: Partial<OperationMeta>): OperationMeta {
  return {
    id: 'op',
    operationType: 'harvested',
    originalOperationType: 'Combine',
    fileFormat: 'ISO11783',
    provider: 'CLAAS',
    crop: 'corn',
    varieties: [],
    products: [],
    machinery: [],
    columns: [],
    warnings: [],
    reader: 'isoxml/1',
    ...changes,
  };
}

test('columns are united by key; metadata shared by all sources is kept, the rest merged or dropped', () => {
  const a = meta({
    columns: [
      { key: 'yield', label: 'Yield', kind: 'number', unit: 'mg/m2', standard: 'wetMassPerArea' },
      { key: 'width', label: 'Width', kind: 'number', unit: 'mm', standard: 'equipmentWidth' },
    ],
    varieties: ['P1'],
    machinery: [{ name: 'Lexion', type: 'machine' }],
    field: 'North',
    warnings: ['w1'],
  });
  const b = meta({
    columns: [
      { key: 'width', label: 'Width', kind: 'number', unit: 'mm', standard: 'equipmentWidth' },
      { key: 'moisture', label: 'Moisture', kind: 'number', unit: 'ppm', standard: 'harvestMoisture' },
    ],
    varieties: ['P1', 'P2'],
    machinery: [{ name: 'Lexion', type: 'machine' }],
    field: 'South',
    warnings: ['w1', 'w2'],
    reader: 'isoxml/2',
  });
  const combined = combineMeta([
    { label: 'A', meta: a },
    { label: 'B', meta: b },
  ]);
  assert.deepEqual(combined.columns.map((c) => c.key), ['yield', 'width', 'moisture']);
  assert.deepEqual(combined.varieties, ['P1', 'P2']);
  assert.equal(combined.machinery.length, 1);
  assert.equal(combined.field, undefined);
  assert.equal(combined.crop, 'corn');
  assert.equal(combined.provider, 'CLAAS');
  assert.equal(combined.reader, 'isoxml/1 + isoxml/2');
  assert.deepEqual(combined.warnings, ['w1', 'w2']);
});

test('a key in different units cannot be merged', () => {
  const a = meta({ columns: [{ key: 'rate', label: 'Rate', kind: 'number', unit: 'kg/ha', standard: 'appliedRate' }] });
  const b = meta({ columns: [{ key: 'rate', label: 'Rate', kind: 'number', unit: 'l/ha', standard: 'appliedRate' }] });
  assert.throws(
    () => combineMeta([
      { label: 'file-a', meta: a },
      { label: 'file-b', meta: b },
    ]),
    (error: Error) => error instanceof MergeConflictError && error.message === 'Files cannot be merged: the value "rate" (Rate) is number in kg/ha (appliedRate) in file file-a but number in l/ha (appliedRate) in file file-b',
  );
});

test('different crops leave the merged operation without a crop, with a warning; different types are refused', () => {
  const combined = combineMeta([
    { label: 'a', meta: meta({ crop: 'corn' }) },
    { label: 'b', meta: meta({ crop: 'soybeans' }) },
  ]);
  assert.equal(combined.crop, undefined);
  assert.match(combined.warnings.at(-1) ?? '', /different crops \(corn, soybeans\)/);
  assert.throws(
    () => combineMeta([
      { label: 'a', meta: meta({}) },
      { label: 'b', meta: meta({ operationType: 'planted' }) },
    ]),
    /operation types differ/,
  );
});
