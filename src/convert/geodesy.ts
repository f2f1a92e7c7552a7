/**
 * Small geodesy helpers over WGS84 longitude/latitude in degrees.
 *
 * Distances and bearings are on a sphere of the WGS84 mean radius (IUGG R1 = (2a + b) / 3):
 * haversine is off from the ellipsoidal geodesic by up to ~0.5 %, which is plenty for
 * summaries (track length, heading) and costs a few trigonometric calls per point.
 */

export const EARTH_MEAN_RADIUS_METERS = 6_371_008.8;

const WGS84_A = 6_378_137;
const WGS84_F = 1 / 298.257_223_563;
const WGS84_E2 = WGS84_F * (2 - WGS84_F);

const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine on the WGS84 mean-radius sphere). */
export function distanceMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * RAD;
  const phi2 = lat2 * RAD;
  const sinHalfDPhi = Math.sin((phi2 - phi1) / 2);
  const sinHalfDLambda = Math.sin(((lon2 - lon1) * RAD) / 2);
  const h = sinHalfDPhi * sinHalfDPhi + Math.cos(phi1) * Math.cos(phi2) * sinHalfDLambda * sinHalfDLambda;
  // Rounding can push h a hair above 1 for antipodal points, where asin would give NaN.
  return 2 * EARTH_MEAN_RADIUS_METERS * Math.asin(Math.sqrt(Math.min(1, h)));
}

/**
 * Initial great-circle bearing from point 1 towards point 2, in degrees [0, 360): north = 0,
 * east = 90 (clockwise). Identical points give 0.
 */
export function bearingDegrees(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * RAD;
  const phi2 = lat2 * RAD;
  const dLambda = (lon2 - lon1) * RAD;
  const y = Math.sin(dLambda) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLambda);
  // Adding 360 before the modulo also folds a rounded -0.0000…1 (→ 360) back to 0.
  return ((Math.atan2(y, x) / RAD) + 360) % 360;
}

export interface LocalProjector {
  /** Metres east (x) and north (y) of the origin. */
  toXY(lon: number, lat: number): [number, number];
  toLonLat(x: number, y: number): [number, number];
}

/**
 * A fast equirectangular projection tangent at the origin, for gridding and local areas.
 *
 * The scales are the WGS84 ellipsoid's radii of curvature at the origin's latitude (not the
 * mean-radius sphere), so they are right at the origin and drift only as the latitude moves
 * away: the east-west scale is off by about tan(lat) × (north-south distance / R), i.e.
 * ≤ 0.1 % within ~5 km of the origin at 50° latitude. Longitude differences are wrapped so
 * that an operation straddling the antimeridian stays contiguous; `toLonLat` does not wrap
 * back, so it is the exact inverse of `toXY` and may return |lon| slightly above 180 there.
 */
export function localMeters(originLon: number, originLat: number): LocalProjector {
  const phi0 = originLat * RAD;
  const w = Math.sqrt(1 - WGS84_E2 * Math.sin(phi0) ** 2);
  const primeVertical = WGS84_A / w;
  const meridional = (WGS84_A * (1 - WGS84_E2)) / (w * w * w);
  const metersPerDegreeLon = primeVertical * Math.cos(phi0) * RAD;
  const metersPerDegreeLat = meridional * RAD;
  return {
    toXY(lon: number, lat: number): [number, number] {
      let dLon = lon - originLon;
      if (dLon > 180) dLon -= 360;
      else if (dLon < -180) dLon += 360;
      return [dLon * metersPerDegreeLon, (lat - originLat) * metersPerDegreeLat];
    },
    toLonLat(x: number, y: number): [number, number] {
      return [originLon + x / metersPerDegreeLon, originLat + y / metersPerDegreeLat];
    },
  };
}
