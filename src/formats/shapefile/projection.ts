import proj4 from 'proj4';
import { DatasetError } from '../types.ts';

/** Converts a source position in place to WGS84 lon/lat; null when the source already is WGS84. */
export type Reprojection = ((xy: [number, number]) => [number, number]) | null;

export interface ProjectionChoice {
  transform: Reprojection;
  /** What the coordinates were read as, for the operation's warnings and labels. */
  description: string;
  warning?: string;
}

/** Lon/lat of WGS84 within 1e-9 of the identity: no need to transform (JD and SMS exports). */
function isWgs84Geographic(proj: ReturnType<typeof proj4.Proj>): boolean {
  const p = proj as unknown as { projName?: string; datumCode?: string; datum?: { datum_type?: number; datum_params?: number[] } };
  if (p.projName !== 'longlat') return false;
  const params = p.datum?.datum_params ?? [0, 0, 0];
  return (p.datumCode ?? '').toLowerCase() === 'wgs84' && params.every((v) => v === 0);
}

function projectionName(wkt: string): string {
  return /^\s*\w+\s*\[\s*"([^"]*)"/.exec(wkt)?.[1] ?? 'unnamed coordinate system';
}

/**
 * Decides how to turn a layer's coordinates into WGS84 lon/lat from its .prj (ESRI WKT, parsed by
 * proj4). Without a .prj, lon/lat WGS84 is assumed when the layer's extent fits lon/lat ranges —
 * what the exporters in the field write — and the layer is refused otherwise, since projected
 * metres read as degrees would put the points anywhere on Earth.
 */
export function chooseProjection(prj: string | undefined, fileName: string, bbox: readonly [number, number, number, number]): ProjectionChoice {
  if (prj === undefined || prj.trim() === '') {
    const [xmin, ymin, xmax, ymax] = bbox;
    const lonLat = xmin >= -180 && xmax <= 180 && ymin >= -90 && ymax <= 90;
    if (!lonLat) {
      throw new DatasetError(
        `${fileName} has no .prj file and its coordinates (x ${xmin}…${xmax}, y ${ymin}…${ymax}) are not longitude/latitude; add the .prj that the exporting software wrote`,
      );
    }
    return {
      transform: null,
      description: 'WGS84 longitude/latitude (assumed)',
      warning: `${fileName} has no .prj file: its coordinates lie within longitude/latitude ranges and were read as WGS84`,
    };
  }
  const wkt = prj.trim().replace(/^\uFEFF/, '');
  let converter: proj4.Converter;
  try {
    const source = proj4.Proj(wkt);
    if (isWgs84Geographic(source)) return { transform: null, description: `WGS84 longitude/latitude (${projectionName(wkt)})` };
    converter = proj4(wkt, 'EPSG:4326');
    // proj4 accepts some unparseable text without throwing: check one position converts.
    const probe = converter.forward([bbox[0], bbox[1]]);
    if (!probe.every(Number.isFinite)) throw new Error(`the layer's corner (${bbox[0]}, ${bbox[1]}) does not convert`);
  } catch (error) {
    throw new DatasetError(`${fileName}: the coordinate system in its .prj could not be used (${error instanceof Error ? error.message : String(error)})`);
  }
  return {
    transform: (xy) => converter.forward(xy),
    description: `${projectionName(wkt)}, reprojected to WGS84`,
    warning: `${fileName}: coordinates are in ${projectionName(wkt)} and were reprojected to WGS84 longitude/latitude`,
  };
}
