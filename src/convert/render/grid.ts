/**
 * Where raster cells sit: the projection of the images (EPSG:4326 or EPSG:3857) and the cell size
 * in that projection's units, chosen so that a cell is about one swath wide on the ground.
 */

export type Projection = 'EPSG:4326' | 'EPSG:3857';

/** WGS84 semi-major axis: the sphere radius of web mercator (EPSG:3857). */
const EARTH_RADIUS = 6_378_137;
const RAD = Math.PI / 180;
/** Web mercator is undefined at the poles; like every web map, stop at its square's edge. */
const MAX_MERCATOR_LAT = 85.051_128_779_806_6;

/** Projected x, y of a WGS84 position, in the projection's units (degrees or metres). */
export type Projector = (lon: number, lat: number, out: Float64Array) => void;

export function projector(projection: Projection): Projector {
  if (projection === 'EPSG:4326') {
    return (lon, lat, out) => {
      out[0] = lon;
      out[1] = lat;
    };
  }
  return (lon, lat, out) => {
    const phi = Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat)) * RAD;
    out[0] = EARTH_RADIUS * lon * RAD;
    out[1] = EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + phi / 2));
  };
}

/** The inverse of `projector`: WGS84 lon, lat of projected x, y. */
export function unproject(projection: Projection, x: number, y: number): [lon: number, lat: number] {
  if (projection === 'EPSG:4326') return [x, y];
  return [x / EARTH_RADIUS / RAD, (2 * Math.atan(Math.exp(y / EARTH_RADIUS)) - Math.PI / 2) / RAD];
}

/** Cell width and height in projection units for a cell `meters` on a side on the ground at `lat`. */
export function cellSize(projection: Projection, meters: number, lat: number): { dx: number; dy: number } {
  const phi = lat * RAD;
  if (projection === 'EPSG:3857') {
    // Mercator stretches both axes by 1 / cos(lat): a ground metre is that many map metres.
    const d = meters / Math.max(Math.cos(phi), 1e-6);
    return { dx: d, dy: d };
  }
  // Lengths of one degree on the WGS84 ellipsoid (series to cos 4φ, sub-metre accurate). Cells are
  // square on the ground, not in degrees, so the PNG itself shows the field's true shape.
  const perDegLat = 111_132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi);
  const perDegLon = Math.max(111_412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi), 1e-3);
  return { dx: meters / perDegLon, dy: meters / perDegLat };
}

/**
 * The spatial reference GDAL writes for each projection in a PNG's PAM sidecar (taken from what
 * `gdal_translate` 3.6 writes), with the axis mapping that says the GeoTransform is in lon, lat order.
 */
export const SRS: Readonly<Record<Projection, { wkt: string; axisMapping: string }>> = {
  'EPSG:4326': {
    axisMapping: '2,1',
    wkt:
      'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
      'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
      'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
  },
  'EPSG:3857': {
    axisMapping: '1,2',
    wkt:
      'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
      'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
      'AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],' +
      'PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],' +
      'AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],' +
      'AUTHORITY["EPSG","3857"]]',
  },
};

/** GDAL's number layout in a GeoTransform: 17 significant digits in exponent form. */
function gdalNumber(v: number): string {
  return (v === 0 ? 0 : v).toExponential(16);
}

/**
 * The GDAL PAM sidecar (`<png>.aux.xml`) that places a north-up image: top-left corner (x0, y0),
 * pixel size dx by dy, in the layout GDAL itself writes so that GDAL, QGIS and other readers take it.
 */
export function pamXml(projection: Projection, x0: number, y0: number, dx: number, dy: number): string {
  const srs = SRS[projection];
  const gt = [x0, dx, 0, y0, 0, -dy].map((v) => ` ${gdalNumber(v)}`).join(', ');
  return (
    '<PAMDataset>\n' +
    `  <SRS dataAxisToSRSAxisMapping="${srs.axisMapping}">${srs.wkt}</SRS>\n` +
    `  <GeoTransform> ${gt}</GeoTransform>\n` +
    '  <Metadata>\n' +
    '    <MDI key="AREA_OR_POINT">Area</MDI>\n' +
    '  </Metadata>\n' +
    '</PAMDataset>\n'
  );
}
