import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearingDegrees, distanceMeters, EARTH_MEAN_RADIUS_METERS, localMeters } from '../../src/convert/geodesy.ts';

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

test('distanceMeters: arcs of the mean-radius sphere', () => {
  // One degree of arc on a sphere of radius R is R·π/180 = 6 371 008.8 × 0.0174532925 = 111 195.08 m.
  assertClose(distanceMeters(4, 52, 4, 53), 111_195.08, 0.01, '1° of latitude');
  // Along the equator a degree of longitude is the same great-circle arc.
  assertClose(distanceMeters(0, 0, 1, 0), 111_195.08, 0.01, '1° of longitude on the equator');
  // Equator to pole is a quarter circle: π·R/2 = 10 007 557.2 m.
  assertClose(distanceMeters(12, 0, 12, 90), (Math.PI * EARTH_MEAN_RADIUS_METERS) / 2, 1e-6, 'equator to pole');
  // Antipodes: half a circle, π·R = 20 015 114.4 m (haversine's argument reaches 1 here).
  assertClose(distanceMeters(0, 0, 180, 0), 20_015_114.4, 0.1, 'antipodes');
  assert.equal(distanceMeters(5.3, 52.1, 5.3, 52.1), 0);
  assert.equal(distanceMeters(1, 2, 3, 4), distanceMeters(3, 4, 1, 2));
});

test('bearingDegrees: clockwise from north, in [0, 360)', () => {
  assertClose(bearingDegrees(0, 0, 1, 0), 90, 1e-9, 'due east');
  assertClose(bearingDegrees(0, 0, 0, 1), 0, 1e-9, 'due north');
  assertClose(bearingDegrees(0, 0, 0, -1), 180, 1e-9, 'due south');
  assertClose(bearingDegrees(0, 0, -1, 0), 270, 1e-9, 'due west');
  // North-west of the origin by a hair: just under 360, never 360 itself.
  const almostNorth = bearingDegrees(0, 0, -1e-9, 1);
  assert.ok(almostNorth > 359.99 && almostNorth < 360, `got ${almostNorth}`);
  assert.equal(bearingDegrees(3, 3, 3, 3), 0);
  // A great circle leaves a parallel poleward. From (0°, 60°N) to (90°E, 60°N), with
  // θ = atan2(sin Δλ·cos φ2, cos φ1·sin φ2 − sin φ1·cos φ2·cos Δλ) = atan2(1 × ½, ½ × √3/2 − 0)
  // = atan(2/√3) = 49.1066°, not 90°.
  assertClose(bearingDegrees(0, 60, 90, 60), (Math.atan(2 / Math.sqrt(3)) * 180) / Math.PI, 1e-9, 'along 60°N');
  assertClose(bearingDegrees(0, 60, 90, 60), 49.1066, 1e-4, 'along 60°N');
});

test('localMeters: WGS84 scales at the origin', () => {
  // Independent reference: the usual WGS84 series for the length of one degree,
  //   latitude:  111 132.954 − 559.822 cos 2φ + 1.175 cos 4φ  → at 45°: 111 132.954 − 1.175 = 111 131.78 m
  //   longitude: 111 412.84 cos φ − 93.5 cos 3φ + 0.118 cos 5φ → at 45°: 78 780.77 + 66.11 − 0.08 = 78 846.81 m
  // The sphere would give 111 195.08 and 78 626.80 m (0.06 % and 0.28 % off), which is why the
  // projector uses the ellipsoid's radii of curvature.
  const projector = localMeters(10, 45);
  const [xEast, yEast] = projector.toXY(11, 45);
  const [xNorth, yNorth] = projector.toXY(10, 46);
  assertClose(xEast, 78_846.81, 0.05, '1° of longitude at 45°');
  assert.equal(yEast, 0);
  assert.equal(xNorth, 0);
  assertClose(yNorth, 111_131.78, 0.01, '1° of latitude at 45°');
});

test('localMeters: within 0.1 % a few kilometres away', () => {
  // The east-west scale is frozen at the origin's latitude; the true scale at a point d metres
  // north differs by about tan φ × d / R. At 50° and d = 5 km: 1.19 × 5 000 / 6 371 009
  // = 0.094 %. The true local scale there is what a projector centred there gives.
  const lat0 = 50;
  const dLat = 5_000 / 111_000;
  const fromOrigin = localMeters(7, lat0);
  const local = localMeters(7, lat0 + dLat);
  const step = 0.001;
  const [x0] = fromOrigin.toXY(7 + step, lat0 + dLat);
  const [x1] = local.toXY(7 + step, lat0 + dLat);
  const relativeError = Math.abs(x0 / x1 - 1);
  const predicted = (Math.tan((lat0 * Math.PI) / 180) * 5_000) / EARTH_MEAN_RADIUS_METERS;
  assertClose(relativeError, predicted, predicted * 0.05, 'east-west scale drift');
  assert.ok(relativeError < 0.001);
});

test('localMeters: toLonLat inverts toXY, across the antimeridian too', () => {
  const projector = localMeters(5.3, 52.1);
  for (const [lon, lat] of [[5.3, 52.1], [5.31, 52.08], [5.2, 52.15]]) {
    const [x, y] = projector.toXY(lon, lat);
    const [lon2, lat2] = projector.toLonLat(x, y);
    assertClose(lon2, lon, 1e-12, 'lon');
    assertClose(lat2, lat, 1e-12, 'lat');
  }
  // 0.002° on either side of 180° is a few hundred metres, not half the planet.
  const fiji = localMeters(179.999, -17);
  const [x] = fiji.toXY(-179.999, -17);
  assertClose(x, distanceMeters(179.999, -17, -179.999, -17), 1, 'across the antimeridian');
  const [lon] = fiji.toLonLat(x, 0);
  assertClose(lon, 180.001, 1e-9, 'continuous, unwrapped longitude');
});
