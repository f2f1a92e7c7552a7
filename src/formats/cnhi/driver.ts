import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationSource } from '../types.ts';

const DRIVER = 'cnhi-cn1';
/** Leaf's `fileFormat` value for Voyager 2 cards (leaf-api.md §2). */
const FILE_FORMAT = 'CN1';
const INDEX = 'index.vy1';

/**
 * Files a Voyager 2 card is described to hold (formats.md §2.6, from the OADA use-case listing and
 * SMSLIBRE notes; no public sample exists): paired field data `*.FMD`/`*.FMS` (or `.FLD`) in
 * `shared/`, grower and producer lists, task files.
 */
const DATA_FILES = /\.(fmd|fms|fld)$/i;
const DESCRIBED = /\.(fmd|fms|fld|gws|pds|tsa|tso|vy1)$/i;

function lower(path: string): string {
  return path.toLowerCase();
}

/**
 * The folder of an `index.vy1` when the layout around it is a Voyager 2 card: the folder is
 * named `<name>.cn1` (Leaf's expected layout), or, for a card whose contents were zipped without
 * that folder, it has a `shared/` folder holding field data files. Undefined otherwise.
 */
function cardFolder(index: ArchiveEntry, entries: readonly ArchiveEntry[]): string | undefined {
  if (index.size === 0) return undefined;
  const path = index.path;
  const folder = path.slice(0, path.length - INDEX.length);
  const folderName = folder.replace(/\/$/, '').split('/').pop() ?? '';
  if (lower(folderName).endsWith('.cn1')) return folder;
  const shared = lower(folder) + 'shared/';
  const hasSharedData = entries.some((e) => lower(e.path).startsWith(shared) && DATA_FILES.test(e.path) && e.size > 0);
  return hasSharedData ? folder : undefined;
}

function count(entries: Iterable<ArchiveEntry>, pattern: RegExp): number {
  let n = 0;
  for (const e of entries) if (pattern.test(e.path)) n++;
  return n;
}

/**
 * CNH Industrial Voyager 2 cards (Pro 700, IntelliView IV): a `<name>.cn1/` folder with
 * `index.vy1`. Their files are in CNH's closed format, read only by CNH's gated CN1 SDK / ADAPT
 * plugin, so a card is detected by its layout (the `.cn1` folder, or a `shared/` folder of field
 * data) plus a non-empty `index.vy1`, its files are listed for the message, and it fails with a
 * reason naming the format. CNH's newer displays (Pro 1200, IntelliView 12) write ISOXML instead.
 */
export const cnhiDriver: Driver = {
  name: DRIVER,
  providers: ['CNHI'],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const datasets: Dataset[] = [];
    const claimed = new Set<string>();
    for (const entry of entries) {
      const path = lower(entry.path);
      if (path !== INDEX && !path.endsWith('/' + INDEX)) continue;
      const folder = cardFolder(entry, entries);
      if (folder === undefined || claimed.has(lower(folder))) continue;
      claimed.add(lower(folder));
      const files = new Map<string, ArchiveEntry>();
      for (const other of entries) {
        if (!lower(other.path).startsWith(lower(folder))) continue;
        const key = other.path.slice(folder.length).toUpperCase();
        if (!files.has(key)) files.set(key, other);
      }
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: folder === '' ? INDEX : folder.replace(/\/$/, ''), entries: files });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const files = [...dataset.entries.values()];
    const dataFiles = count(files, DATA_FILES);
    const prefix = dataset.root.toLowerCase().endsWith(INDEX) ? '' : dataset.root + '/';
    const relative = files.map((f) => f.path.slice(prefix.length));
    const subfolders = [...new Set(relative.filter((p) => p.includes('/')).map((p) => p.slice(0, p.indexOf('/'))))];
    const held = [
      `${files.length} file(s)`,
      `${dataFiles} field data file(s) (.FMD/.FMS/.FLD)`,
      dataset.entries.has('GROWERS.GWS') || count(files, /\.gws$/i) > 0 ? 'grower list' : undefined,
      count(files, /\.pds$/i) > 0 ? 'producer list' : undefined,
      count(files, DESCRIBED) < files.length ? `${files.length - count(files, DESCRIBED)} other file(s)` : undefined,
      subfolders.length > 0 ? `folders ${subfolders.join(', ')}` : undefined,
    ].filter((p) => p !== undefined);
    throw new DatasetError(
      `CNH Voyager 2 card '${dataset.root}' (Pro 700 / IntelliView IV, index.vy1; ${held.join(', ')}): its data is in CNH's closed binary CN1 format (readable only with CNH's licensed CN1 SDK), so Furrow cannot list or convert its operations yet`,
    );
  },
};
