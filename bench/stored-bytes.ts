/**
 * Stored bytes / upload bytes: converts inputs as the service does (every operation's table,
 * summary, units, status, images and coverage; no GeoJSON layer files unless --geojson, as with
 * FURROW_STORE_GEOJSON=true) and sums the bytes the service would put in its blob store for them
 * (the files jobs/file-outputs.ts stores: OUTPUT_FILES and the images folder) against the bytes
 * of the input.
 *
 *   node --import tsx bench/stored-bytes.ts [--geojson] [input ...]
 *
 * Without inputs: every sample directory of ../shared/samples (<format>/<sample>). The upload
 * bytes of a directory are the sum of its files (the zips in it as they are); of a zip, its size.
 * Prints one line per input and the totals.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { convertInput } from '../src/convert-input.ts';
import { IMAGE_FILES } from '../src/convert/render/property-rasters.ts';
import { OUTPUT_FILES } from '../src/pipeline.ts';

const args = process.argv.slice(2);
const geojson = args.includes('--geojson');
const samples = resolve(import.meta.dirname, '../../shared/samples');
let inputs = args.filter((a) => a !== '--geojson');
if (inputs.length === 0) {
  for (const format of (await readdir(samples, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const entry of (await readdir(join(samples, format), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) inputs.push(join(samples, format, entry));
  }
}
inputs = inputs.map((i) => resolve(i));

async function bytesUnder(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (info.isFile()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await bytesUnder(join(path, entry));
  return total;
}

/** Stored bytes by kind of output, over every input. */
const byKind = new Map<string, number>();
const kindOf = (name: string) => (name === OUTPUT_FILES.table ? 'table' : name.endsWith('.geojson') && !name.startsWith('coverage') && name !== OUTPUT_FILES.summary ? 'GeoJSON layers' : name.startsWith('coverage') ? 'coverage' : name.startsWith('images') ? name : 'summary, units, status');

/** What storeOutputs puts in the blob store for one operation folder. */
async function storedBytes(dir: string): Promise<number> {
  let total = 0;
  const add = (kind: string, bytes: number) => {
    byKind.set(kind, (byKind.get(kind) ?? 0) + bytes);
    total += bytes;
  };
  for (const name of Object.values(OUTPUT_FILES)) add(kindOf(name), await bytesUnder(join(dir, name)));
  add('images/ (PNGs, .aux.xml)', await bytesUnder(join(dir, IMAGE_FILES.folder)));
  return total;
}

const mb = (n: number) => (n / 1e6).toFixed(2).padStart(9);
let uploadTotal = 0;
let storedTotal = 0;
let tableTotal = 0;
let worst = { ratio: 0, name: '' };
console.log(`stored bytes / upload bytes, ${geojson ? 'with the GeoJSON layer files (FURROW_STORE_GEOJSON=true)' : 'table only (the service default)'}`);
console.log(`${'input'.padEnd(58)} ${'upload MB'.padStart(9)} ${'stored MB'.padStart(9)} ${'table MB'.padStart(9)} ratio  ops`);
for (const input of inputs) {
  const out = await mkdtemp(join(tmpdir(), 'furrow-stored-'));
  try {
    const report = await convertInput(input, out, { units: 'default', geojson });
    let stored = 0;
    let table = 0;
    for (const op of report.operations) {
      const dir = join(out, op.dir);
      stored += await storedBytes(dir);
      table += await bytesUnder(join(dir, OUTPUT_FILES.table));
    }
    const upload = await bytesUnder(input);
    uploadTotal += upload;
    storedTotal += stored;
    tableTotal += table;
    const ratio = upload > 0 ? stored / upload : 0;
    const name = input.startsWith(samples) ? relative(samples, input) : input;
    if (ratio > worst.ratio) worst = { ratio, name };
    console.log(`${name.padEnd(58)} ${mb(upload)} ${mb(stored)} ${mb(table)} ${ratio.toFixed(2).padStart(5)} ${String(report.operations.length).padStart(4)}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
console.log(`${'total'.padEnd(58)} ${mb(uploadTotal)} ${mb(storedTotal)} ${mb(tableTotal)} ${(storedTotal / uploadTotal).toFixed(2).padStart(5)}`);
console.log(`largest ratio: ${worst.ratio.toFixed(2)} (${worst.name})`);
console.log(`stored by kind: ${[...byKind].filter(([, b]) => b > 0).sort(([, a], [, b]) => b - a).map(([kind, b]) => `${kind} ${(b / 1e6).toFixed(2)} MB (${((100 * b) / storedTotal).toFixed(0)} %)`).join(', ')}`);
