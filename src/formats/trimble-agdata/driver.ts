import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationSource } from '../types.ts';
import { firstMemberName, IN_MEMORY_LIMIT, isZipHead, readAgDataContainer, readHead } from './container.ts';
import { parseManifest, type AgDataManifest } from './manifest.ts';

const DRIVER = 'trimble-agdata';
/** Leaf's `fileFormat` sample value for Trimble AgData (leaf-api.md §2). */
const FILE_FORMAT = 'AGDATA';

/** AgData file kinds by extension (Leaf's expected `AgData/` layout, leaf-api.md §8). */
const KINDS: Readonly<Record<string, { what: string; holds: string }>> = {
  agf: { what: 'field file', holds: 'field boundaries' },
  agt: { what: 'task file', holds: 'task and coverage records' },
  agi: { what: 'implement file', holds: 'implement setup' },
  agm: { what: 'prescription file', holds: 'a prescription map' },
  agu: { what: 'user file', holds: 'user settings' },
  agv: { what: 'vehicle file', holds: 'vehicle setup' },
};

/** Enough for a local header and a long member name. */
const HEAD_BYTES = 512;

function extension(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Whether an entry is an AgData file: a zip (the walker does not open `.ag?` members as nested
 * zips) whose `manifest.xml` has root `<manifest>`. Large files are judged by their first member's
 * name instead, so that detection never reads a whole large file; `read` checks the manifest.
 */
async function isAgData(entry: ArchiveEntry): Promise<boolean> {
  try {
    const head = await readHead(entry, HEAD_BYTES);
    if (!isZipHead(head)) return false;
    if (entry.size > IN_MEMORY_LIMIT) return firstMemberName(head)?.toLowerCase() === 'manifest.xml';
    const contents = await readAgDataContainer(entry);
    return contents.manifest !== undefined && parseManifest(contents.manifest) !== undefined;
  } catch {
    return false;
  }
}

function describe(manifest: AgDataManifest): string {
  const parts: string[] = [];
  if (manifest.name) parts.push(`"${manifest.name}"`);
  if (manifest.uuid) parts.push(`uuid ${manifest.uuid}`);
  if (manifest.product || manifest.serial) parts.push(`from ${['Trimble', manifest.product, manifest.serial ? `serial ${manifest.serial}` : undefined].filter(Boolean).join(' ')}`);
  return parts.join(', ');
}

/**
 * Trimble Precision-IQ "AgData" files (`.agf` fields, `.agt` tasks, `.agi`, `.agm`, `.agu`, `.agv`),
 * loose or under `AgData/`: zips of a clear `manifest.xml` and an encrypted payload
 * (`<uuid>.xml.gz.enc`, formats.md §2.5). One dataset per file; the manifest (name, uuid, source
 * display and serial) is read for the message. Field, implement, prescription, user and vehicle
 * files hold no operations; a task file's records are encrypted in Trimble's closed format, and
 * since the manifest does not say which operation a task is, it fails as a whole with that reason.
 */
export const trimbleAgDataDriver: Driver = {
  name: DRIVER,
  providers: ['Trimble'],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const datasets: Dataset[] = [];
    for (const entry of entries) {
      if (!(extension(entry.path) in KINDS) || !(await isAgData(entry))) continue;
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: entry.path, entries: new Map([[baseName(entry.path).toUpperCase(), entry]]) });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const entry = [...dataset.entries.values()][0];
    if (!entry) throw new DatasetError(`${dataset.root}: no AgData file`);
    const kind = KINDS[extension(entry.path)]!;
    const name = baseName(entry.path);
    let manifest: AgDataManifest | undefined;
    try {
      const contents = await readAgDataContainer(entry);
      manifest = contents.manifest === undefined ? undefined : parseManifest(contents.manifest);
    } catch (error) {
      throw new DatasetError(`${dataset.root}: Trimble AgData ${kind.what} '${name}' is not a readable zip: ${(error as Error).message}`);
    }
    if (!manifest) throw new DatasetError(`${dataset.root}: Trimble AgData ${kind.what} '${name}' has no readable manifest.xml (root <manifest>)`);
    const about = describe(manifest);
    const payload = manifest.entries.length > 0 ? manifest.entries.join(', ') : 'its payload';
    const head = `Trimble AgData ${kind.what} '${name}'${about ? ` (${about})` : ''}`;
    if (extension(entry.path) === 'agt') {
      throw new DatasetError(
        `${head}: its ${kind.holds} (${payload}) are encrypted in Trimble's closed AgData format; Furrow reads its manifest but cannot convert its points yet`,
      );
    }
    throw new DatasetError(`${head}: ${kind.holds} only (encrypted in ${payload}), no operations to convert`);
  },
};
