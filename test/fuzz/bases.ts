import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { rawZip } from '../helpers/raw-zip.ts';
import { sample } from '../helpers/samples.ts';
import { readZipEntries, type PlainEntry } from './zip-entries.ts';

/**
 * The well-formed inputs the fuzz variants are derived from: small shared samples of each format
 * family, read in place. `zip` is the sample's own zip where it has one (byte-level mutations work
 * on it), else one built from the entries.
 */
export interface Base {
  name: string;
  entries: PlainEntry[];
  zip: Buffer;
}

interface BaseSource {
  name: string;
  /** A zip sample, or a folder whose files (optionally only those whose name matches) become the entries. */
  zip?: string[];
  folder?: string[];
  only?: RegExp;
  /** Keep only the zip entries whose name matches (to keep a large sample quick to convert). */
  keep?: RegExp;
}

const SOURCES: readonly BaseSource[] = [
  { name: 'isoxml-kverneland', zip: ['isoxml', 'kverneland-spreader', 'single-dpd.zip'] },
  { name: 'isoxml-agco', zip: ['isoxml', 'agco-microtrak', 'agco-microtrak.zip'] },
  { name: 'isoxml-subfolders', zip: ['isoxml', 'multi-subfolder-mac', 'multi-subfolder-and-mac.zip'] },
  { name: 'jd-shapefile', zip: ['jd-shapefile', 'gen4-application-point-1hz', 'gen4-4600-application-point-onehertz.zip'] },
  { name: 'jd-gen4', zip: ['jd-gen4', 'harvest-labsim-jen3', 'gen4-4600-harvest-data.zip'] },
  { name: 'jd-gs3-setup', zip: ['jd-gs3-2630', 'setup-boundary-guidance', 'gs3-2630-setup-with-boundary-and-guidance-lines.zip'] },
  { name: 'climate-harvest', zip: ['climate-dat', 'climate-adapt-samplefiles', 'SampleFiles.zip'], keep: /harvest_1_Corn_2015_09_22_00[0134]|_999/ },
  { name: 'sms-shapefile', folder: ['sms-shapefile', 'strips-2013-orbweaver-south'] },
  { name: 'trimble-agf', folder: ['trimble-agdata', 'tmx2050-fields-agf'], only: /^(0f23|27a0|328d)/ },
  { name: 'agleader-text', folder: ['agleader-advanced-txt', 'strips-2012-interim'] },
];

async function loadBase(source: BaseSource): Promise<Base> {
  if (source.zip) {
    const bytes = await readFile(sample(...source.zip));
    const all = await readZipEntries(bytes);
    if (!source.keep) return { name: source.name, entries: all, zip: bytes };
    const entries = all.filter((e) => source.keep!.test(e.name));
    return { name: source.name, entries, zip: rawZip(entries) };
  }
  const folder = sample(...source.folder!);
  const names = (await readdir(folder)).filter((n) => !source.only || source.only.test(n)).sort();
  const entries = await Promise.all(names.map(async (n) => ({ name: `${basename(folder)}/${n}`, data: await readFile(`${folder}/${n}`) })));
  return { name: source.name, entries, zip: rawZip(entries) };
}

let loaded: Promise<Base[]> | undefined;

/** The bases, read once per process, in a fixed order (the generator indexes into it). */
export function loadBases(): Promise<Base[]> {
  loaded ??= Promise.all(SOURCES.map(loadBase));
  return loaded;
}
