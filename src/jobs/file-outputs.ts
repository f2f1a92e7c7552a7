import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepName, StepStatus } from '../convert/status.ts';
import { converter } from '../model/units.ts';
import { OUTPUT_FILES } from '../pipeline.ts';
import { IMAGE_FILES } from '../convert/render/property-rasters.ts';
import type { BlobStore, FileEntry } from '../store/types.ts';

export interface StoredOutputs {
  summary: { properties?: Record<string, unknown> } | null;
  units: Record<string, string> | null;
  steps: Partial<Record<StepName, StepStatus>>;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  return (await exists(path)) ? (JSON.parse(await readFile(path, 'utf8')) as T) : null;
}

/** Puts an operation's output folder under `<prefix>/` (replacing what an earlier run left there) and returns the small outputs the file entry carries. */
export async function storeOutputs(blobs: BlobStore, prefix: string, dir: string): Promise<StoredOutputs> {
  await blobs.delete(`${prefix}/`);
  for (const name of Object.values(OUTPUT_FILES)) {
    const path = join(dir, name);
    if (await exists(path)) await blobs.putFile(`${prefix}/${name}`, path);
  }
  // The PNGs and their georeference sidecars, one folder down.
  const images = await readdir(join(dir, IMAGE_FILES.folder)).catch(() => [] as string[]);
  for (const name of images) await blobs.putFile(`${prefix}/${IMAGE_FILES.folder}/${name}`, join(dir, IMAGE_FILES.folder, name));
  return {
    summary: await readJson<StoredOutputs['summary']>(join(dir, OUTPUT_FILES.summary)),
    units: await readJson<Record<string, string>>(join(dir, OUTPUT_FILES.units)),
    steps: (await readJson<Partial<Record<StepName, StepStatus>>>(join(dir, OUTPUT_FILES.status))) ?? {},
  };
}

/** The summary figures the file listing filters on: time span, and totalArea in m². */
export function summaryFacts(summary: StoredOutputs['summary']): Pick<FileEntry, 'startTime' | 'endTime' | 'areaM2'> {
  const p = summary?.properties ?? {};
  const area = p.totalArea as { value?: unknown; unit?: unknown } | undefined;
  return {
    startTime: typeof p.startTime === 'string' ? p.startTime : null,
    endTime: typeof p.endTime === 'string' ? p.endTime : null,
    areaM2: typeof area?.value === 'number' && typeof area.unit === 'string' ? converter(area.unit, 'm2')(area.value) : null,
  };
}
