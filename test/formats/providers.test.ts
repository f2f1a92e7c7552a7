import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convertInput } from '../../src/convert-input.ts';
import { driversForProvider } from '../../src/formats/providers.ts';
import { isoxmlDriver } from '../../src/formats/isoxml/driver.ts';
import { closedFormatSource } from '../../src/formats/closed.ts';
import type { ArchiveEntry, Dataset, Driver } from '../../src/formats/types.ts';
import { withTempDir } from '../helpers/temp.ts';
import { writeZip } from '../helpers/zip.ts';

/** A driver of a made-up closed format: claims `*.vendor` files, lists one tillage operation per file. */
function vendorDriver(name: string, provider: string): Driver {
  return {
    name,
    providers: [provider],
    async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
      return entries.filter((e) => e.path.endsWith('.vendor')).map((e) => ({ driver: name, fileFormat: `${name.toUpperCase()}`, root: e.path, entries: new Map([['FILE', e]]) }));
    },
    async read(dataset) {
      const meta = { id: 'log', operationType: 'tillage' as const, originalOperationType: 'tillage', fileFormat: dataset.fileFormat, provider, varieties: [], products: [], machinery: [], columns: [], warnings: [], reader: 'test/1' };
      return [closedFormatSource(meta, `${name}: closed format`)];
    },
  };
}

const deere = vendorDriver('deere-like', 'JohnDeere');
const trimble = vendorDriver('trimble-like', 'Trimble');
const ALL = [isoxmlDriver, deere, trimble];

test('Other and Leaf read every format; a named provider reads its own formats and the open ones', () => {
  assert.deepEqual(driversForProvider(ALL, 'Other').map((d) => d.name), ['isoxml', 'deere-like', 'trimble-like']);
  assert.deepEqual(driversForProvider(ALL, 'Leaf').map((d) => d.name), ['isoxml', 'deere-like', 'trimble-like']);
  assert.deepEqual(driversForProvider(ALL, undefined).map((d) => d.name), ['isoxml', 'deere-like', 'trimble-like']);
  assert.deepEqual(driversForProvider(ALL, 'JohnDeere').map((d) => d.name), ['isoxml', 'deere-like']);
  assert.deepEqual(driversForProvider(ALL, 'CNHI').map((d) => d.name), ['isoxml']);
});

test('a closed-format operation is listed and fails with its reason', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'in.zip');
    await writeZip(zip, { 'a.vendor': 'x' });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, ALL);
    assert.equal(report.operations.length, 1);
    assert.equal(report.operations[0]!.status, 'failed');
    assert.equal(report.operations[0]!.statusDetails, 'rawGeojson: deere-like: closed format');
    assert.equal(report.operations[0]!.operationType, 'tillage');
  });
});

test('an upload named for one provider that holds another provider\'s data says so', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'in.zip');
    await writeZip(zip, { 'a.vendor': 'x' });
    // Both fake drivers claim *.vendor: read for CNHI, neither runs, and the message names what the zip holds.
    const cnhi = await convertInput(zip, join(dir, 'out1'), { units: 'default', provider: 'CNHI' }, {}, ALL);
    assert.equal(cnhi.operations.length, 0);
    assert.equal(
      cnhi.failures[0]!.reason,
      'No valid files found for provider CNHI: no data read by isoxml was recognised, but the input holds DEERE-LIKE data; upload it with provider Other (or the provider that wrote it) to convert that',
    );
    // Read for Trimble, only the Trimble driver (after ISOXML) claims it.
    const trimbleReport = await convertInput(zip, join(dir, 'out2'), { units: 'default', provider: 'Trimble' }, {}, ALL);
    assert.deepEqual(trimbleReport.operations.map((o) => o.statusDetails), ['rawGeojson: trimble-like: closed format']);
    // A zip with nothing recognisable, read for a provider.
    const empty = join(dir, 'empty.zip');
    await writeZip(empty, { 'notes.txt': 'hello' });
    const none = await convertInput(empty, join(dir, 'out3'), { units: 'default', provider: 'JohnDeere' }, {}, ALL);
    assert.match(none.failures[0]!.reason, /^No valid files found: the upload names provider JohnDeere, and no JohnDeere data \(read by isoxml, deere-like\) nor any other supported data/);
  });
});
