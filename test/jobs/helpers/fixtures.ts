import { buffer } from 'node:stream/consumers';
import { openArchive } from '../../../src/formats/archive.ts';
import { sample } from '../../helpers/samples.ts';

/** The Kverneland spreader sample: one planted operation (leaf-api tests use the same zip). */
export const SAMPLE_ZIP = sample('isoxml', 'kverneland-spreader', 'single-dpd.zip');

/** The files of a zip by name, to build variants of a real sample. */
export async function zipFiles(path: string): Promise<Record<string, Buffer>> {
  const archive = await openArchive(path);
  try {
    const files: Record<string, Buffer> = {};
    for (const entry of archive.entries) files[entry.path] = await buffer(await entry.open());
    return files;
  } finally {
    await archive.close();
  }
}

/** The same files under another folder. */
export function inFolder(folder: string, files: Record<string, Buffer>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(files).map(([name, content]) => [`${folder}/${name}`, content]));
}
