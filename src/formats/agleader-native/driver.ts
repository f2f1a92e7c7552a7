import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationSource } from '../types.ts';
import { looksLikeText, readHead } from '../sniff.ts';
import { containerKind, HEAD_BYTES } from './content.ts';

const DRIVER = 'agleader-native';
const PROVIDER = 'AgLeader';

/** Native Ag Leader files (leaf-api.md §8; formats.md §2.7) and the displays that write them. */
const KINDS: Readonly<Record<string, { fileFormat: string; what: string }>> = {
  yld: { fileFormat: 'AGLEADER_YLD', what: 'Ag Leader yield file (YM2000 / PF Advantage / PF3000)' },
  ilf: { fileFormat: 'AGLEADER_ILF', what: 'Ag Leader system log file (Insight / Edge / Integra up to 3.4)' },
  agdata: { fileFormat: 'AGLEADER_AGDATA', what: 'Ag Leader logged-data file (Integra 3.5+ / Versa / Compass / InCommand)' },
  agsetup: { fileFormat: 'AGLEADER_AGDATA', what: 'Ag Leader display setup file (Integra 3.5+ / Versa / Compass / InCommand)' },
};

const CLOSED =
  "its data is in Ag Leader's closed binary format: no public description or open reader exists (only Ag Leader SMS reads it), so Furrow cannot convert it yet; SMS can export the same data as shapefiles or Ag Leader \"Advanced\" text, which are open formats";

function extension(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
}

function folder(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

interface Candidate {
  entry: ArchiveEntry;
  ext: string;
  head: Buffer;
}

/**
 * Ag Leader native display files: `.yld`, `.ilf`, `.agdata` with its `.agsetup`. Nothing public
 * describes their bytes (formats.md §2.7), so detection rests on what can be justified: the
 * extension, a non-empty file that is not plain text (a text file under these names is an export
 * renamed by hand, left to the text drivers), and for `.agdata` the `.agsetup` Leaf requires beside
 * it. Each data file is one dataset that fails with a reason naming the format; a setup file
 * without logged data is reported as holding no operations.
 */
export const agLeaderNativeDriver: Driver = {
  name: DRIVER,
  providers: [PROVIDER],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      const ext = extension(entry.path);
      if (!(ext in KINDS) || entry.size === 0) continue;
      const head = await readHead(entry, HEAD_BYTES);
      if (head.length === 0 || looksLikeText(head)) continue;
      candidates.push({ entry, ext, head });
    }
    const datasets: Dataset[] = [];
    const setupsTaken = new Set<ArchiveEntry>();
    for (const { entry, ext } of candidates) {
      if (ext === 'agsetup') continue;
      const files = new Map<string, ArchiveEntry>([[baseName(entry.path).toUpperCase(), entry]]);
      if (ext === 'agdata') {
        // The setup that goes with logged data sits in the same folder (Leaf: "both required").
        for (const setup of candidates.filter((c) => c.ext === 'agsetup' && folder(c.entry.path) === folder(entry.path))) {
          files.set(baseName(setup.entry.path).toUpperCase(), setup.entry);
          setupsTaken.add(setup.entry);
        }
      }
      datasets.push({ driver: DRIVER, fileFormat: KINDS[ext]!.fileFormat, root: entry.path, entries: files });
    }
    for (const { entry, ext } of candidates) {
      if (ext !== 'agsetup' || setupsTaken.has(entry)) continue;
      datasets.push({ driver: DRIVER, fileFormat: KINDS[ext]!.fileFormat, root: entry.path, entries: new Map([[baseName(entry.path).toUpperCase(), entry]]) });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const files = [...dataset.entries.values()];
    const main = files.find((f) => f.path === dataset.root) ?? files[0];
    if (!main) throw new DatasetError(`${dataset.root}: no Ag Leader file`);
    const ext = extension(main.path);
    const kind = KINDS[ext];
    if (!kind) throw new DatasetError(`${dataset.root}: not an Ag Leader native file`);
    const head = await readHead(main, HEAD_BYTES);
    const about = `${kind.what} '${baseName(main.path)}' (${bytes(main.size)}, ${containerKind(head)})`;
    if (ext === 'agsetup') {
      throw new DatasetError(`${about}: display setup only, no operations to convert; its logged data comes in an .agdata file beside it, which the upload does not hold`);
    }
    if (ext === 'agdata') {
      const setups = files.filter((f) => extension(f.path) === 'agsetup').map((f) => `'${baseName(f.path)}'`);
      const pairing = setups.length > 0 ? `with setup ${setups.join(', ')}` : 'without the .agsetup file Leaf requires beside it';
      throw new DatasetError(`${about}, ${pairing}: ${CLOSED}`);
    }
    throw new DatasetError(`${about}: ${CLOSED}`);
  },
};
