import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yauzl from 'yauzl';

const run = promisify(execFile);

export const OGRINFO = ['/usr/bin/ogrinfo', '/usr/local/bin/ogrinfo'].find((path) => existsSync(path));
/** Reason to skip GDAL checks, or false when ogrinfo is there. */
export const NO_GDAL = OGRINFO === undefined ? 'ogrinfo (Debian gdal-bin) is not installed: GDAL read-back skipped' : false;

export interface OgrLayer {
  name: string;
  geometry: string;
  featureCount: number;
  extent: [number, number, number, number];
  fields: Map<string, string>;
}

/** `ogrinfo -so -al` of a dataset: GDAL's own reading of what we wrote. */
export async function ogrinfo(path: string): Promise<OgrLayer> {
  const { stdout } = await run(OGRINFO!, ['-so', '-al', path], { maxBuffer: 1 << 24 });
  const value = (label: string) => {
    const match = new RegExp(`^${label}: (.*)$`, 'm').exec(stdout);
    if (!match) throw new Error(`no "${label}" in ogrinfo output:\n${stdout}`);
    return match[1];
  };
  const extent = /^Extent: \((\S+), (\S+)\) - \((\S+), (\S+)\)$/m.exec(stdout);
  if (!extent) throw new Error(`no extent in ogrinfo output:\n${stdout}`);
  const fields = new Map<string, string>();
  // Field lines follow the SRS block: "name: Type (width.precision)".
  for (const match of stdout.matchAll(/^(\w+): (String|Real|Integer|Integer64|Date|DateTime) \(/gm)) fields.set(match[1], match[2]);
  return {
    name: value('Layer name'),
    geometry: value('Geometry'),
    featureCount: Number(value('Feature Count')),
    extent: [Number(extent[1]), Number(extent[2]), Number(extent[3]), Number(extent[4])],
    fields,
  };
}

/** Extracts every entry of a zip into `dir`; returns the entry names. */
export async function unzip(zipPath: string, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  const names: string[] = [];
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        zip.once('entry', resolve);
        zip.once('end', () => resolve(null));
        zip.once('error', reject);
        zip.readEntry();
      });
      if (entry === null) break;
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      names.push(entry.fileName);
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      await writeFile(join(dir, entry.fileName), Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return names;
}
