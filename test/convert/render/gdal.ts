import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import yauzl from 'yauzl';

/** gdalinfo is the independent oracle for the georeference; CI installs Debian's gdal-bin. */
export const GDALINFO = spawnSync('gdalinfo', ['--version']).status === 0;
export const NO_GDAL = GDALINFO ? false : 'gdalinfo not found (install Debian gdal-bin to check the .aux.xml georeference)';

export interface GdalInfo {
  size: [number, number];
  geoTransform: number[];
  cornerCoordinates: { upperLeft: [number, number]; lowerRight: [number, number] };
  coordinateSystem: { wkt: string };
  stac?: { 'proj:epsg'?: number };
  bands: { colorInterpretation?: string }[];
}

export function gdalinfo(path: string): GdalInfo {
  const run = spawnSync('gdalinfo', ['-json', path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`gdalinfo failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as GdalInfo;
}

/** The band values GDAL reads at a WGS84 position (it reprojects the position into the image's SRS itself). */
export function valuesAt(path: string, lon: number, lat: number): number[] {
  const run = spawnSync('gdallocationinfo', ['-valonly', '-wgs84', path, String(lon), String(lat)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`gdallocationinfo failed: ${run.stderr}`);
  return run.stdout.trim().split(/\s+/).map(Number);
}

/** Entry names of a zip, in order. */
export async function zipEntries(path: string): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(path, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const names: string[] = [];
  zip.on('entry', (entry: yauzl.Entry) => {
    names.push(entry.fileName);
    zip.readEntry();
  });
  zip.readEntry();
  await once(zip, 'end');
  return names;
}
