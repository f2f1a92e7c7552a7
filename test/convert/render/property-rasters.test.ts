import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode } from 'fast-png';
import proj4 from 'proj4';
import { emptyBatch } from '../../../src/model/batch.ts';
import type { StandardProperty } from '../../../src/model/properties.ts';
import { PropertyRasters, type ImageEntry } from '../../../src/convert/render/property-rasters.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { gdalinfo, NO_GDAL, valuesAt, zipEntries } from './gdal.ts';

const UNITS = new Map<StandardProperty, string>([
  ['wetMassPerArea', 'lb/ac'],
  ['speed', 'm/s'],
  ['equipmentWidth', 'ft'],
  ['heading', 'arcdeg'],
  ['sectionId', 'unitless'],
]);

// Cells are about 10 m; points sit mid-cell, so the grid step used to place them only needs to be
// near the renderer's (within a few %), and lon/lat cell sizes are 10 m expressed in degrees at 50° N.
const LON0 = 10;
const LAT0 = 50;
const DX = 10 / (111_320 * Math.cos((LAT0 * Math.PI) / 180));
const DY = 10 / 111_230;

interface Pt {
  ix: number;
  iy: number;
  wet: number;
  speed?: number;
  keep?: string;
}

/**
 * A hand-made field on a 10 m grid whose origin is the first point (10° E, 50° N):
 *  cell (0,0) wet 100 (min), cell (2,0) wet 130 and 150 (mean 140), cell (4,1) wet 200 (max),
 *  cell (1,1) only a point removed by cleanup (wet 9999), cell (6,0) a kept point without values.
 * Equipment width 32.8084 ft = 10 m sets the cell size.
 */
const POINTS: Pt[] = [
  { ix: 0, iy: 0, wet: 100, speed: 2 },
  { ix: 2, iy: 0, wet: 130, speed: 2 },
  { ix: 2, iy: 0, wet: 150, speed: 4 },
  { ix: 1, iy: 1, wet: 9999, speed: 9, keep: 'wetMassPerArea GT 0' },
  { ix: 4, iy: 1, wet: 200, speed: 6 },
  { ix: 6, iy: 0, wet: NaN },
];

function batchOf(points: Pt[]) {
  const b = emptyBatch(points.length, ['wetMassPerArea', 'speed', 'equipmentWidth', 'heading', 'sectionId']);
  points.forEach((p, i) => {
    // The first point is the grid origin: a cell's lower-left corner. The others sit mid-cell.
    const f = i === 0 ? 0 : 0.5;
    b.lon[i] = LON0 + (p.ix + f) * DX;
    b.lat[i] = LAT0 + (p.iy + f) * DY;
    b.time[i] = 1_700_000_000_000 + i * 1000;
    b.numbers.get('wetMassPerArea')![i] = p.wet;
    b.numbers.get('speed')![i] = p.speed ?? NaN;
    b.numbers.get('equipmentWidth')![i] = Number.isNaN(p.wet) ? NaN : 32.8084;
    b.numbers.get('heading')![i] = 90;
    b.numbers.get('sectionId')![i] = 1;
  });
  b.length = points.length;
  return { batch: b, keep: points.map((p) => p.keep ?? null) };
}

/** Where GDAL must find each cell's colour: at the cell's points (mid-cell), in lon/lat. */
function checkColoursAt(png: string): void {
  const mid = (ix: number, iy: number): [number, number] => [LON0 + (ix + 0.5) * DX, LAT0 + (iy + 0.5) * DY];
  assert.deepEqual(valuesAt(png, ...mid(2, 0)), [255, 95, 0, 255]); // wet mean 140
  assert.deepEqual(valuesAt(png, ...mid(4, 1)), [0, 130, 0, 255]); // wet max 200
  assert.deepEqual(valuesAt(png, ...mid(1, 1)), [0, 0, 0, 0]); // only a removed point
}

function pixel(png: ReturnType<typeof decode>, col: number, row: number): number[] {
  const o = (row * png.width + col) * 4;
  return [...png.data.subarray(o, o + 4)];
}

/**
 * The colour of the cell at (col, row), cells counted from the top left, after checking that its
 * k × k block of pixels is that one colour throughout (its four corners and its centre).
 */
function cell(png: ReturnType<typeof decode>, k: number, col: number, row: number): number[] {
  const colour = pixel(png, col * k, row * k);
  for (const [dc, dr] of [[k - 1, 0], [0, k - 1], [k - 1, k - 1], [k >> 1, k >> 1]] as const) {
    assert.deepEqual(pixel(png, col * k + dc, row * k + dr), colour, `cell (${col}, ${row}) is not one colour`);
  }
  return colour;
}

// 5 × 2 cells: each drawn as a block of ceil(512 / 5) = 103 pixels a side, so the long side is 515 ≥ 512.
const K = 103;

/** Kept points with a value: the data's bounds in lon/lat. */
const kept = POINTS.map((p, i) => ({ ...p, i })).filter((p) => !p.keep && !Number.isNaN(p.wet));
const lons = kept.map((p) => LON0 + (p.ix + (p.i === 0 ? 0 : 0.5)) * DX);
const lats = kept.map((p) => LAT0 + (p.iy + (p.i === 0 ? 0 : 0.5)) * DY);
const BOUNDS = { west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) };

async function render(dir: string, projection: 'EPSG:4326' | 'EPSG:3857') {
  const rasters = new PropertyRasters(UNITS, { projection });
  const { batch, keep } = batchOf(POINTS);
  // Two batches, as the pipeline streams them: split after the third point.
  const first = { ...batch, length: 3 };
  rasters.add(first, keep);
  const rest = emptyBatch(3, batch.numbers.keys());
  rest.length = 3;
  rest.lon.set(batch.lon.subarray(3));
  rest.lat.set(batch.lat.subarray(3));
  for (const [k, v] of batch.numbers) rest.numbers.get(k)!.set(v.subarray(3));
  rasters.add(rest, keep.slice(3));
  return rasters.finish(dir);
}

test('wetMassPerArea map: size, exact ramp colours, transparency, legend', async () => {
  await withTempDir(async (dir) => {
    const result = await render(dir, 'EPSG:4326');
    assert.deepEqual(result.images.map((i) => i.property), ['wetMassPerArea', 'speed', 'equipmentWidth']);
    assert.deepEqual(result.skipped.map((s) => s.property).sort(), ['heading', 'sectionId']);

    const png = decode(await readFile(join(dir, 'images/wetMassPerArea.png')));
    // Kept cells with values span ix 0..4, iy 0..1: the removed point (1,1) and the empty one (6,0) add nothing.
    assert.equal(png.width, 5 * K);
    assert.equal(png.height, 2 * K);
    assert.equal(png.channels, 4);
    // Row 0 is the north row (iy 1). min 100 → 0 % [200,0,0]; max 200 → 100 % [0,130,0];
    // cell (2,0) mean (130 + 150) / 2 = 140 → 40 %, halfway 35 % [255,40,0] → 45 % [255,150,0] = [255,95,0].
    assert.deepEqual(cell(png, K, 0, 1), [200, 0, 0, 255]);
    assert.deepEqual(cell(png, K, 4, 0), [0, 130, 0, 255]);
    assert.deepEqual(cell(png, K, 2, 1), [255, 95, 0, 255]);
    // No data: transparent (nv [0,0,0,0]), including the cell of the removed point.
    assert.deepEqual(cell(png, K, 1, 0), [0, 0, 0, 0]);
    assert.deepEqual(cell(png, K, 1, 1), [0, 0, 0, 0]);
    assert.deepEqual(cell(png, K, 3, 0), [0, 0, 0, 0]);

    // Speed: 2 (min), (2 + 4) / 2 = 3 → 25 % = 25/35 of [200,0,0] → [255,40,0] = [239.3, 28.6] → [239,29,0].
    const speed = decode(await readFile(join(dir, 'images/speed.png')));
    assert.deepEqual(cell(speed, K, 2, 1), [239, 29, 0, 255]);
    // A constant property (width 10 m everywhere) is drawn in the ramp's middle: 50 % = [255,195,0].
    const width = decode(await readFile(join(dir, 'images/equipmentWidth.png')));
    assert.deepEqual(cell(width, K, 0, 1), [255, 195, 0, 255]);

    const list = JSON.parse(await readFile(join(dir, 'images.json'), 'utf8')) as ImageEntry[];
    const wet = list[0]!;
    assert.equal(wet.url, 'images/wetMassPerArea.png');
    assert.equal(wet.ramp['45%']!.join(), '255,150,0');
    assert.equal(wet.ramp.nv!.join(), '0,0,0,0');
    assert.equal(wet.legend.unit, 'lb/ac');
    assert.equal(wet.legend.layer, 'standard');
    assert.deepEqual([wet.width, wet.height, wet.pixelsPerCell], [5 * K, 2 * K, K]);
    assert.equal(wet.legend.min, 100);
    assert.equal(wet.legend.max, 200);
    assert.equal(wet.legend.cells, 3);
    assert.equal(wet.legend.points, 4);
    // The 35 % break of a 100..200 range is 135, coloured [255,40,0].
    const b35 = wet.legend.breaks.find((b) => b.percent === 35)!;
    assert.equal(b35.value, 135);
    assert.deepEqual(b35.color, [255, 40, 0, 255]);
    assert.ok(Math.abs(wet.cellMeters - 10) < 1e-3, `cell ${wet.cellMeters} m`);

    assert.deepEqual(await zipEntries(join(dir, 'images.zip')), [
      'wetMassPerArea.png',
      'wetMassPerArea.png.aux.xml',
      'speed.png',
      'speed.png.aux.xml',
      'equipmentWidth.png',
      'equipmentWidth.png.aux.xml',
    ]);
  });
});

test('EPSG:4326 georeference read back by gdalinfo', { skip: NO_GDAL }, async () => {
  await withTempDir(async (dir) => {
    await render(dir, 'EPSG:4326');
    const info = gdalinfo(join(dir, 'images/wetMassPerArea.png'));
    assert.equal(info.stac?.['proj:epsg'], 4326);
    assert.match(info.coordinateSystem.wkt, /GEOGCRS\["WGS 84"/);
    const [, px, , , , npy] = info.geoTransform as [number, number, number, number, number, number];
    // 10 m cells of K pixels: within 1 % of 10 m in degrees at 50° N.
    const dx = px * K;
    const ndy = npy * K;
    assert.ok(Math.abs(dx / DX - 1) < 0.01, `dx ${dx}`);
    assert.ok(Math.abs(-ndy / DY - 1) < 0.01, `dy ${-ndy}`);
    const [west, north] = info.cornerCoordinates.upperLeft;
    const [east, south] = info.cornerCoordinates.lowerRight;
    // The image covers every kept point and overshoots it by less than a cell on each side
    // (gdalinfo prints corners to 7 decimals: EPS allows for that rounding).
    const EPS = 1e-7;
    assert.ok(west <= BOUNDS.west + EPS && BOUNDS.west - west < dx, `west ${west}`);
    assert.ok(east >= BOUNDS.east - EPS && east - BOUNDS.east < dx, `east ${east}`);
    assert.ok(south <= BOUNDS.south + EPS && BOUNDS.south - south < -ndy, `south ${south}`);
    assert.ok(north >= BOUNDS.north - EPS && north - BOUNDS.north < -ndy, `north ${north}`);
    assert.deepEqual(info.size, [5 * K, 2 * K]);
    assert.deepEqual(info.bands.map((b) => b.colorInterpretation), ['Red', 'Green', 'Blue', 'Alpha']);
    checkColoursAt(join(dir, 'images/wetMassPerArea.png'));
  });
});

test('EPSG:3857 georeference read back by gdalinfo, compared with proj4', { skip: NO_GDAL }, async () => {
  await withTempDir(async (dir) => {
    const result = await render(dir, 'EPSG:3857');
    const info = gdalinfo(join(dir, 'images/speed.png'));
    assert.equal(info.stac?.['proj:epsg'], 3857);
    assert.match(info.coordinateSystem.wkt, /Pseudo-Mercator/);
    const [west, north] = info.cornerCoordinates.upperLeft;
    const [east, south] = info.cornerCoordinates.lowerRight;
    const [bw, bs] = proj4('EPSG:4326', 'EPSG:3857', [BOUNDS.west, BOUNDS.south]);
    const [be, bn] = proj4('EPSG:4326', 'EPSG:3857', [BOUNDS.east, BOUNDS.north]);
    const side = info.geoTransform[1]! * K;
    // gdalinfo prints projected corners to 3 decimals (mm).
    const EPS = 1e-3;
    // 10 ground metres are 10 / cos 50° = 15.56 mercator metres.
    assert.ok(Math.abs(side - 10 / Math.cos((50 * Math.PI) / 180)) < 0.05, `cell ${side}`);
    assert.ok(west <= bw! + EPS && bw! - west < side, `west ${west} vs ${bw}`);
    assert.ok(east >= be! - EPS && east - be! < side, `east ${east} vs ${be}`);
    assert.ok(south <= bs! + EPS && bs! - south < side, `south ${south} vs ${bs}`);
    assert.ok(north >= bn! - EPS && north - bn! < side, `north ${north} vs ${bn}`);
    // The lon/lat bounds Furrow reports agree with the projected corners (from the unrounded GeoTransform).
    const [w, s, e, n] = result.images[0]!.bounds;
    const [x0, dx, , y0, , ndy] = info.geoTransform as number[];
    const [gw, gs] = proj4('EPSG:3857', 'EPSG:4326', [x0!, y0! + ndy! * info.size[1]]);
    const [ge, gn] = proj4('EPSG:3857', 'EPSG:4326', [x0! + dx! * info.size[0], y0!]);
    for (const [a, b] of [[w, gw], [s, gs], [e, ge], [n, gn]] as [number, number][]) assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
    checkColoursAt(join(dir, 'images/wetMassPerArea.png'));
  });
});

test('the image stays within maxPixels however far the points spread, means kept exact', async () => {
  await withTempDir(async (dir) => {
    const rasters = new PropertyRasters(new Map<StandardProperty, string>([['speed', 'm/s']]), { maxPixels: 16, cellMeters: 10 });
    // 1000 points 10 m apart eastwards along 50° N, speed = index: 10 km → 1000 cells, far beyond 16.
    const n = 1000;
    const b = emptyBatch(n, ['speed']);
    for (let i = 0; i < n; i++) {
      b.lon[i] = LON0 + (i + 0.5) * DX;
      b.lat[i] = LAT0;
      b.numbers.get('speed')![i] = i;
    }
    b.length = n;
    rasters.add(b, new Array<null>(n).fill(null));
    const { images } = await rasters.finish(dir);
    const img = images[0]!;
    // 1000 cells halve to 500, 250, 125, 63, 32, 16: cells of 64 × 10 m = 640 m.
    assert.equal(img.cellMeters, 640);
    const k = img.pixelsPerCell;
    assert.ok(img.width / k <= 16 && img.height === k, `${img.width}×${img.height} px, ${k} px a cell`);
    // Still at least 512 pixels on the long side: 16 cells of 32 px.
    assert.ok(img.width >= 512 && img.width < 512 + k, `${img.width} px`);
    assert.equal(img.legend.points, n);
    // Each coarse cell's value is the mean speed of the points inside it: recompute it from the
    // image's own grid (its left edge is the first point, cells k × geoTransform[1] degrees wide).
    const x0 = img.geoTransform[0];
    const dx = img.geoTransform[1] * k;
    const cells = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = Math.floor((b.lon[i]! - x0) / dx);
      cells.set(c, [...(cells.get(c) ?? []), i]);
    }
    const cellMeans = [...cells.values()].map((v) => v.reduce((a, x) => a + x, 0) / v.length);
    assert.equal(cells.size, img.width / k);
    // About 64 points per cell: the first cell's mean is near 31.5, the last near 980.
    assert.ok(Math.abs(img.legend.cellMin - 31.5) < 1.5 && img.legend.cellMin === Math.min(...cellMeans), `cell min ${img.legend.cellMin}`);
    assert.ok(Math.abs(img.legend.cellMax - 980) < 2 && img.legend.cellMax === Math.max(...cellMeans), `cell max ${img.legend.cellMax}`);
    // The ramp spans the values drawn (speeds 0..999), not the cell means: 0 % and 100 % are the layer's own min and max.
    assert.deepEqual([img.legend.min, img.legend.max], [0, n - 1]);
  });
});

test('no kept point: no image, an empty list, no zip', async () => {
  await withTempDir(async (dir) => {
    const rasters = new PropertyRasters(UNITS);
    const { batch } = batchOf(POINTS);
    rasters.add(batch, POINTS.map(() => 'recordingStatus EQ On'));
    const result = await rasters.finish(dir);
    assert.deepEqual(result.images, []);
    assert.equal(result.zip, null);
    assert.equal(await readFile(join(dir, 'images.json'), 'utf8'), '[]\n');
  });
});

test('points without a usable position or value are left out, never stretch the image', async () => {
  await withTempDir(async (dir) => {
    const rasters = new PropertyRasters(new Map<StandardProperty, string>([['speed', 'm/s']]), { cellMeters: 10 });
    const b = emptyBatch(6, ['speed']);
    const rows: [number, number, number][] = [
      [NaN, LAT0, 1], // no fix
      [0, 0, 1], // receiver default before its fix
      [LON0, 95, 1], // impossible latitude
      [LON0, LAT0, 2], // the one good point
      [LON0 + 1, LAT0, Infinity], // a value no map can colour
      [LON0 - 1, LAT0, NaN],
    ];
    rows.forEach(([lon, lat, v], i) => {
      b.lon[i] = lon;
      b.lat[i] = lat;
      b.numbers.get('speed')![i] = v;
    });
    b.length = rows.length;
    rasters.add(b, new Array<null>(rows.length).fill(null));
    const { images } = await rasters.finish(dir);
    assert.equal(images.length, 1);
    // One cell, drawn 512 × 512 pixels.
    assert.deepEqual([images[0]!.width, images[0]!.height, images[0]!.pixelsPerCell, images[0]!.legend.points], [512, 512, 512, 1]);
    assert.deepEqual(images[0]!.bounds.map((v) => Math.round(v * 1e4) / 1e4), [LON0, LAT0, LON0 + 0.0001, LAT0 + 0.0001]);
  });
});

test('a malformed ramp option is refused when the renderer is built', () => {
  assert.throws(() => new PropertyRasters(UNITS, { ramp: { '0%': [0, 0, 0], high: [1, 1, 1] } }), /ramp key "high"/);
});

test('points fed as runs of a ring buffer with the filter pass verdicts: the ramp spans the kept values only', async () => {
  await withTempDir(async (dir) => {
    const rasters = new PropertyRasters(new Map<StandardProperty, string>([['speed', 'm/s']]), { cellMeters: 10, layer: 'filtered' });
    // A ring of 8 slots holding 6 points that wrapped: slots 5, 6, 7, 0, 1, 2 in input order, one
    // point per cell eastwards; the fourth (slot 0, speed 500) an outlier the filters removed.
    const ring = emptyBatch(8, ['speed']);
    ring.length = 8;
    const verdicts: (string | null)[] = new Array<string | null>(8).fill('not in the window');
    const speeds = [2, 3, 4, 500, 5, 6];
    speeds.forEach((v, i) => {
      const s = (5 + i) % 8;
      ring.lon[s] = LON0 + (i + 0.5) * DX;
      ring.lat[s] = LAT0;
      ring.numbers.get('speed')![s] = v;
      verdicts[s] = v === 500 ? 'outliers' : null;
    });
    rasters.add(ring, verdicts, 5, 8);
    rasters.add(ring, verdicts, 0, 3);
    const { images } = await rasters.finish(dir);
    const img = images[0]!;
    // Kept: 2, 3, 4, 5, 6 in 5 of the 6 cells; the outlier's cell stays empty and 500 is not the maximum.
    assert.deepEqual([img.legend.min, img.legend.max, img.legend.points, img.legend.cells, img.legend.layer], [2, 6, 5, 5, 'filtered']);
    const k = img.pixelsPerCell;
    assert.deepEqual([img.width / k, img.height / k, k], [6, 1, Math.ceil(512 / 6)]);
    const png = decode(await readFile(join(dir, 'images/speed.png')));
    assert.deepEqual(cell(png, k, 0, 0), [200, 0, 0, 255]); // 2: 0 %
    assert.deepEqual(cell(png, k, 3, 0), [0, 0, 0, 0]); // the outlier's cell: no data
    assert.deepEqual(cell(png, k, 5, 0), [0, 130, 0, 255]); // 6: 100 %
  });
});
