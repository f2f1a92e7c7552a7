import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unclearReason } from './clear.ts';

// The rule the fuzz corpus judges failure messages by (test/fuzz/clear.ts): on messages the
// readers give (the first four as the corpus's reports hold them) and on the kinds it must refuse.

test('messages that say what is wrong in words are clear', () => {
  for (const message of [
    'TASKDATA.XML declares XML entities in a DOCTYPE; ISO 11783-10 files never do, so it is refused (entities are never expanded)',
    'TLG00001.BIN is damaged: its CRC-32 checksum does not match its zip directory (the bytes were altered or corrupted)',
    'No valid files found: no supported machine data was recognised in the input',
    'rawGeojson: 2013-orbweaver-south.shp: record 1 declares 0 content bytes; the file is damaged there',
    // A parser's words are fine beside the name of what it parsed.
    'fuzz.geojson is not valid JSON: Unexpected end of JSON input',
  ]) {
    assert.equal(unclearReason(message), undefined, message);
  }
});

test('stack traces, runtime error texts, placeholders and wordless messages are not', () => {
  const cases: [string | undefined, RegExp][] = [
    [undefined, /empty/],
    ['  ', /empty/],
    ["Cannot read properties of undefined (reading 'length')", /runtime error text/],
    ['Error: bad\n    at readHeader (file:///repo/src/formats/shapefile/dbf-reader.ts:52:11)', /stack trace/],
    ['x.dbf: record count undefined is not a number', /placeholder "undefined"/],
    ['rate NaN out of range for field', /placeholder "NaN"/],
    ['failed: [object Object]', /placeholder/],
    ['Unexpected token } in JSON at position 12', /parser error text/],
    ['ERR_OUT_OF_RANGE', /runtime error text/],
    ['bad 1 2', /fewer than three words/],
    [`the entry is wrong ${'x'.repeat(2500)}`, /2\d{3} characters/],
  ];
  for (const [message, reason] of cases) assert.match(unclearReason(message) ?? 'clear', reason, String(message));
});

test('the entry paths a message quotes do not count against its length, nor stand in for its words', () => {
  const path = 'd/'.repeat(3000) + 'TASKDATA.XML';
  assert.equal(unclearReason(`${path}: no operations to convert in this task data`, [path]), undefined);
  assert.match(unclearReason(`${path}: no operations to convert in this task data`) ?? 'clear', /characters/);
  assert.match(unclearReason(`${path}`, [path]) ?? 'clear', /fewer than three words/);
});
