import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/** Streams the given files into a new zip archive (deflated), each under its base name. */
export async function zipFiles(paths: readonly string[], outZip: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const path of paths) zip.addFile(path, basename(path));
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(outZip));
}
