import { looksLikeText, readHead } from '../sniff.ts';
import type { ArchiveEntry, Dataset, Driver, OperationSource } from '../types.ts';
import { DatasetError } from '../types.ts';

const DRIVER = 'precision-planting-2020';
/** No Leaf `fileFormat` spelling is documented for Gen3 `.2020` files (leaf-api.md §2, §8). */
const FILE_FORMAT = 'PP2020';
const HEAD_BYTES = 4096;

/**
 * Magic numbers of common files that a user may have renamed or that merely end in `.2020`
 * (e.g. `photo.2020`); a 20|20 data file is none of them.
 */
const OTHER_FORMATS: readonly { magic: Buffer; name: string }[] = [
  { magic: Buffer.from('89504e470d0a1a0a', 'hex'), name: 'PNG image' },
  { magic: Buffer.from('ffd8ff', 'hex'), name: 'JPEG image' },
  { magic: Buffer.from('%PDF-', 'latin1'), name: 'PDF document' },
  { magic: Buffer.from('GIF8', 'latin1'), name: 'GIF image' },
  { magic: Buffer.from('SQLite format 3\0', 'latin1'), name: 'SQLite database' },
];

/**
 * Whether an entry can be a Precision Planting 20|20 Gen3 file. The format was never observed
 * (formats.md §2.4: the only public samples are ≥ 4 MiB and out of reach), so the content checks
 * are the ones that keep unrelated files out rather than a signature: a non-empty `.2020` file
 * that is binary (not text) and none of the common image/document/database formats.
 */
export function isCandidate2020(head: Buffer): boolean {
  if (head.length === 0 || looksLikeText(head)) return false;
  return !OTHER_FORMATS.some((f) => head.subarray(0, f.magic.length).equals(f.magic));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/**
 * Precision Planting 20|20 Gen3 `*.2020` files (Leaf: loose files; card managers: two folders
 * deep). Only Precision Planting's closed .NET plugin reads them; each file is one dataset that
 * fails with a reason naming the format. Climate `*.dat` files are another driver's.
 */
export const precisionPlanting2020Driver: Driver = {
  name: DRIVER,
  providers: ['PrecisionPlanting', 'ClimateFieldView'],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const datasets: Dataset[] = [];
    for (const entry of entries) {
      if (!entry.path.toLowerCase().endsWith('.2020') || entry.size === 0) continue;
      if (!isCandidate2020(await readHead(entry, HEAD_BYTES))) continue;
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: entry.path, entries: new Map([[baseName(entry.path).toUpperCase(), entry]]) });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const entry = [...dataset.entries.values()][0];
    const about = entry ? `'${baseName(entry.path)}' (${bytes(entry.size)})` : `'${dataset.root}'`;
    throw new DatasetError(
      `Precision Planting 20|20 Gen3 file ${about}: its data is in Precision Planting's closed binary format (only their closed PrecisionPlanting.ADAPT.2020 plugin reads it; no public description exists), so Furrow cannot convert it yet`,
    );
  },
};
