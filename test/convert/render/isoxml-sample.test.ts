import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertInput } from '../../../src/convert-input.ts';
import { emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import type { StandardProperty } from '../../../src/model/properties.ts';
import { PropertyRasters, type ImagesResult } from '../../../src/convert/render/property-rasters.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { gdalinfo, NO_GDAL } from './gdal.ts';

interface Feature {
  geometry: { coordinates: [number, number] };
  properties: Record<string, unknown>;
}

/** Converts the Kverneland sample and returns one of its point layers and the units (small file: parsed whole). */
async function convertedPoints(dir: string, layer: 'normalized' | 'standard') {
  const report = await convertInput(sample('isoxml/kverneland-spreader/single-dpd.zip'), dir, { units: 'default' });
  assert.equal(report.operations.length, 1);
  const opDir = join(dir, report.operations[0]!.dir);
  assert.ok((await readdir(opDir)).includes(`${layer}.geojson`));
  const features = (JSON.parse(await readFile(join(opDir, `${layer}.geojson`), 'utf8')) as { features: Feature[] }).features;
  const units = new Map(Object.entries(JSON.parse(await readFile(join(opDir, 'units.json'), 'utf8')) as Record<string, string>)) as Map<StandardProperty, string>;
  return { features, units };
}

/** Feeds the features to the renderer as the pipeline does: in batches (of 100 here, to cross batch edges). */
async function renderFeatures(features: Feature[], units: Map<StandardProperty, string>, outDir: string, projection: 'EPSG:4326' | 'EPSG:3857'): Promise<ImagesResult> {
  const rasters = new PropertyRasters(units, { projection });
  for (let start = 0; start < features.length; start += 100) {
    const chunk = features.slice(start, start + 100);
    const batch: PointBatch = emptyBatch(chunk.length, units.keys());
    chunk.forEach((f, i) => {
      [batch.lon[i], batch.lat[i]] = f.geometry.coordinates;
      for (const [key, column] of batch.numbers) {
        const v = f.properties[key];
        if (typeof v === 'number') column[i] = v;
      }
    });
    batch.length = chunk.length;
    rasters.add(batch, new Array<null>(chunk.length).fill(null));
  }
  return rasters.finish(outDir);
}

// ORACLE.json (measured independently of Furrow): 373 records, all with a position, bbox
// [-93.825032, 41.8495183, -67.922162, 52.3568024]. The far corner is 16 points logged at a bogus
// position before the receiver had its fix; they are in the normalized layer (every point).
const ORACLE_BBOX = { west: -93.825032, south: 41.8495183, east: -67.922162, north: 52.3568024 };

for (const projection of ['EPSG:4326', 'EPSG:3857'] as const) {
  test(`Kverneland sample, every point, ${projection}: gdalinfo corners enclose the sample's bbox within a cell`, { skip: NO_GDAL }, async () => {
    await withTempDir(async (dir) => {
      const { features, units } = await convertedPoints(dir, 'normalized');
      assert.equal(features.length, 373);
      const result = await renderFeatures(features, units, join(dir, 'render'), projection);
      // Heading gets no map (circular); the other numeric properties of units.json do.
      assert.deepEqual(result.images.map((i) => i.property), ['distance', 'area', 'elevation', 'equipmentWidth', 'workingWidth', 'seedRate', 'seedRateTarget', 'speed']);
      const seed = result.images.find((i) => i.property === 'seedRate')!;
      assert.equal(seed.legend.points, 373);
      assert.equal(seed.legend.unit, 'seeds/ha');
      // 26° of longitude at most 2048 px wide: the cells grew far beyond the 4.5 m swath.
      assert.ok(seed.width <= 2048 && seed.height <= 2048);
      const info = gdalinfo(join(dir, 'render', seed.url));
      assert.equal(info.stac?.['proj:epsg'], projection === 'EPSG:4326' ? 4326 : 3857);
      // Compare in lon/lat: Furrow's bounds (its unprojection of the GeoTransform) must match the
      // corners gdalinfo reads, and enclose the oracle bbox by at most one cell (a point on a cell's
      // lower edge makes the image reach a whole cell beyond it).
      const [w, s, e, n] = seed.bounds;
      const [gx0, gdx, , gy0, , gndy] = info.geoTransform as number[];
      assert.ok(Math.abs(gx0! - seed.geoTransform[0]) < 1e-6 && Math.abs(gy0! - seed.geoTransform[3]) < 1e-6);
      assert.deepEqual(info.size, [seed.width, seed.height]);
      // A cell is pixelsPerCell pixels wide.
      const k = seed.pixelsPerCell;
      const cellLon = projection === 'EPSG:4326' ? gdx! * k : ((e - w) / seed.width) * k;
      const cellLat = projection === 'EPSG:4326' ? -gndy! * k : ((n - s) / seed.height) * k;
      const eps = 1e-9;
      assert.ok(w <= ORACLE_BBOX.west + eps && ORACLE_BBOX.west - w <= cellLon + eps, `west ${w}`);
      assert.ok(e >= ORACLE_BBOX.east - eps && e - ORACLE_BBOX.east <= cellLon + eps, `east ${e}`);
      // In mercator, cells are not equal in latitude: allow the larger (northern) one, 1.4 × at 52° vs 42°.
      const latSlack = projection === 'EPSG:4326' ? 1 : 1.4;
      assert.ok(s <= ORACLE_BBOX.south + eps && ORACLE_BBOX.south - s <= cellLat * latSlack + eps, `south ${s}`);
      assert.ok(n >= ORACLE_BBOX.north - eps && n - ORACLE_BBOX.north <= cellLat * latSlack + eps, `north ${n}`);
      if (projection === 'EPSG:4326') {
        const [cw, cn] = info.cornerCoordinates.upperLeft;
        const [ce, cs] = info.cornerCoordinates.lowerRight;
        for (const [a, b] of [[cw, w], [cn, n], [ce, e], [cs, s]] as [number, number][]) assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
      }
    });
  });
}

test('Kverneland sample, kept points: a 4.5 m grid over the 10 m × 97 m strip that was seeded', { skip: NO_GDAL }, async () => {
  await withTempDir(async (dir) => {
    const { features, units } = await convertedPoints(dir, 'standard');
    const lons = features.map((f) => f.geometry.coordinates[0]);
    const lats = features.map((f) => f.geometry.coordinates[1]);
    const result = await renderFeatures(features, units, join(dir, 'render'), 'EPSG:4326');
    const seed = result.images.find((i) => i.property === 'seedRate')!;
    // ORACLE.json: working width DDI 0x43 on the operation element = 450 cm, the cell size.
    assert.ok(Math.abs(seed.cellMeters - 4.5) < 1e-6, `cell ${seed.cellMeters}`);
    assert.equal(seed.legend.points, features.length);
    const info = gdalinfo(join(dir, 'render', seed.url));
    const k = seed.pixelsPerCell;
    const dx = info.geoTransform[1]! * k;
    const ndy = info.geoTransform[5]! * k;
    const [west, north] = info.cornerCoordinates.upperLeft;
    const [east, south] = info.cornerCoordinates.lowerRight;
    const eps = 1e-7; // gdalinfo prints degrees to 7 decimals
    assert.ok(west <= Math.min(...lons) + eps && Math.min(...lons) - west < dx, `west ${west}`);
    assert.ok(east >= Math.max(...lons) - eps && east - Math.max(...lons) < dx, `east ${east}`);
    assert.ok(south <= Math.min(...lats) + eps && Math.min(...lats) - south < -ndy, `south ${south}`);
    assert.ok(north >= Math.max(...lats) - eps && north - Math.max(...lats) < -ndy, `north ${north}`);
    // 10.7 m × 96.8 m of track at 4.5 m cells: 3 or 4 columns, 22 or 23 rows, the rows ceil(512 / 22 or 23) = 24 or 23 px high.
    const [columns, rows] = [seed.width / k, seed.height / k];
    assert.ok(columns >= 3 && columns <= 4 && rows >= 22 && rows <= 23, `${columns}×${rows} cells`);
    assert.equal(k, Math.ceil(512 / rows));
    assert.ok(seed.height >= 512, `${seed.height} px`);
  });
});
