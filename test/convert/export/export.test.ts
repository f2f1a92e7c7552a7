import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { geojson as fgb } from 'flatgeobuf';
import * as shapefile from 'shapefile';
import { CoverageBuilder } from '../../../src/convert/coverage/builder.ts';
import { ExportError } from '../../../src/convert/export/errors.ts';
import { exportFlatGeobuf } from '../../../src/convert/export/flatgeobuf.ts';
import { exportShapefile, WGS84_PRJ } from '../../../src/convert/export/shapefile.ts';
import { FeatureCollectionWriter } from '../../../src/convert/geojson-writer.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { METRIC_UNITS, pass, ringArea, trackBatch } from '../coverage/helpers.ts';
import { NO_GDAL, ogrinfo, unzip } from './gis.ts';

/*
 * Exports read back by two other readers: GDAL (`ogrinfo`, the reference desktop GIS reader)
 * and the `shapefile` npm package (mbostock), plus flatgeobuf's own deserializer. Expected values
 * are the input GeoJSON's, written in the test.
 */

const POINTS = [
  {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [7.1, 50.2] },
    properties: { timestamp: '2024-05-01T10:00:00.000Z', appliedRate: 150.25, appliedRateTarget: 150, product: 'Dünger NPK 15-15-15', sectionOn: true, elevation: -12.5 },
  },
  {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [7.2, 50.25] },
    properties: { timestamp: '2024-05-01T10:00:01.000Z', appliedRate: null, appliedRateTarget: 150, product: 'x', sectionOn: false, elevation: 1234.5 },
  },
  {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [7.15, 50.3] },
    properties: { timestamp: '2024-05-01T10:00:02.000Z', appliedRate: 0.000001, appliedRateTarget: 0, product: null, sectionOn: null, elevation: 0 },
  },
];

/** Writes features the way Furrow's pipeline does (one per line). */
async function furrowGeoJson(path: string, features: readonly object[]): Promise<void> {
  const writer = await FeatureCollectionWriter.open(path, { furrow: { layer: 'test' } });
  for (const feature of features) writer.add(JSON.stringify(feature));
  await writer.close();
}

test('points → zipped shapefile: geometry, UTF-8 text, nulls, booleans and 10-character names survive', () =>
  withTempDir(async (dir) => {
    const input = join(dir, 'points.geojson');
    await furrowGeoJson(input, POINTS);
    const result = await exportShapefile(input, join(dir, 'points.zip'));
    assert.equal(result.featureCount, 3);
    assert.deepEqual(result.bbox, [7.1, 50.2, 7.2, 50.3]);
    // appliedRate and appliedRateTarget both start "appliedRat": the second gets a suffix.
    assert.deepEqual(
      result.fields.map((f) => [f.source, f.name, f.type]),
      [
        ['timestamp', 'timestamp', 'C'],
        ['appliedRate', 'appliedRat', 'N'],
        ['appliedRateTarget', 'appliedR_1', 'N'],
        ['product', 'product', 'C'],
        ['sectionOn', 'sectionOn', 'L'],
        ['elevation', 'elevation', 'N'],
      ],
    );

    const files = join(dir, 'unzipped');
    assert.deepEqual((await unzip(join(dir, 'points.zip'), files)).sort(), ['points.cpg', 'points.dbf', 'points.prj', 'points.shp', 'points.shx']);
    assert.equal(await readFile(join(files, 'points.cpg'), 'utf8'), 'UTF-8');
    assert.equal(await readFile(join(files, 'points.prj'), 'utf8'), WGS84_PRJ);

    const collection = await shapefile.read(join(files, 'points.shp'), join(files, 'points.dbf'), { encoding: 'utf-8' });
    assert.equal(collection.features.length, 3);
    assert.deepEqual(collection.bbox, [7.1, 50.2, 7.2, 50.3]);
    assert.deepEqual(
      collection.features.map((f) => (f.geometry as { coordinates: number[] }).coordinates),
      POINTS.map((p) => p.geometry.coordinates),
    );
    const [first, second, third] = collection.features.map((f) => f.properties!);
    assert.deepEqual(first, { timestamp: '2024-05-01T10:00:00.000Z', appliedRat: 150.25, appliedR_1: 150, product: 'Dünger NPK 15-15-15', sectionOn: true, elevation: -12.5 });
    assert.equal(second.appliedRat, null);
    assert.equal(second.sectionOn, false);
    assert.equal(second.elevation, 1234.5);
    assert.equal(third.appliedRat, 0.000001);
    assert.equal(third.product, null);
    assert.equal(third.sectionOn, null);
  }));

test('numbers of any magnitude come back exactly from the .dbf', () =>
  withTempDir(async (dir) => {
    const values = [1e-7, -1.5e-7, 123_456_789.123, -0.5, 42, 0.1 + 0.2, -98_765.4321];
    const input = join(dir, 'numbers.geojson');
    await furrowGeoJson(
      input,
      values.map((v, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [i, i] }, properties: { value: v } })),
    );
    const result = await exportShapefile(input, join(dir, 'numbers.zip'));
    // Widest integer part "123456789" (9), most decimals 0.30000000000000004 → capped at 15.
    assert.deepEqual(result.fields, [{ source: 'value', name: 'value', type: 'N', length: 9 + 1 + 15, decimals: 15 }]);
    await unzip(join(dir, 'numbers.zip'), dir);
    const read = await shapefile.read(join(dir, 'numbers.shp'), join(dir, 'numbers.dbf'));
    // 15 decimals keep every value but 0.1 + 0.2, whose 17th significant digit is rounding noise.
    assert.deepEqual(
      read.features.map((f) => f.properties!.value),
      values.map((v) => Number(v.toFixed(15))),
    );
    assert.equal(read.features[5].properties!.value, 0.3);
  }));

test('points → shapefile read by GDAL: count, fields, extent', { skip: NO_GDAL }, () =>
  withTempDir(async (dir) => {
    const input = join(dir, 'points.geojson');
    await furrowGeoJson(input, POINTS);
    await exportShapefile(input, join(dir, 'points.zip'));
    await unzip(join(dir, 'points.zip'), dir);
    const layer = await ogrinfo(join(dir, 'points.shp'));
    assert.equal(layer.geometry, 'Point');
    assert.equal(layer.featureCount, 3);
    assert.deepEqual(layer.extent, [7.1, 50.2, 7.2, 50.3]);
    assert.deepEqual(
      [...layer.fields],
      [
        ['timestamp', 'String'],
        ['appliedRat', 'Real'],
        ['appliedR_1', 'Integer'], // whole numbers only: N(3,0)
        ['product', 'String'],
        ['sectionOn', 'String'], // GDAL reads dBase logical fields as 1-character strings
        ['elevation', 'Real'],
      ],
    );
  }));

test('coverage polygon with a hole → shapefile (ESRI winding) and FlatGeobuf', () =>
  withTempDir(async (dir) => {
    // The square frame of the coverage tests: 60 m outer square, 40 m unworked centre.
    const sides = [pass(-5, 0, 55, 0, 1, 10), pass(50, -5, 50, 55, 1, 10), pass(55, 50, -5, 50, 1, 10), pass(0, 55, 0, -5, 1, 10)];
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(trackBatch(sides.flatMap((side, k) => side.map((p) => ({ ...p, section: k })))));
    const coverage = await builder.finish(dir);
    const source = coverage.polygons!.coordinates;
    const sourceArea = ringArea(source[0][0]) + ringArea(source[0][1]);

    const shp = await exportShapefile(coverage.files.geojson, join(dir, 'coverage-shp.zip'), { layerName: 'coverage' });
    assert.equal(shp.geometry, 'polygon');
    await unzip(join(dir, 'coverage-shp.zip'), join(dir, 'shp'));
    const collection = await shapefile.read(join(dir, 'shp', 'coverage.shp'), join(dir, 'shp', 'coverage.dbf'));
    // The shapefile reader classifies rings by winding (clockwise = exterior): one polygon with
    // one hole back means the rings were written the ESRI way round.
    assert.equal(collection.features.length, 1);
    const geometry = collection.features[0].geometry as { type: string; coordinates: number[][][] };
    assert.equal(geometry.type, 'Polygon');
    assert.equal(geometry.coordinates.length, 2);
    // shapefile returns RFC 7946-unaware rings; compare absolute areas.
    const readArea = Math.abs(ringArea(geometry.coordinates[0])) - Math.abs(ringArea(geometry.coordinates[1]));
    assert.ok(Math.abs(readArea - sourceArea) < 1e-6 * sourceArea, `${readArea} vs ${sourceArea}`);
    assert.equal(collection.features[0].properties!.coveredAre, coverage.coveredArea);

    const fgbResult = await exportFlatGeobuf(coverage.files.geojson, join(dir, 'coverage-export.fgb'));
    assert.equal(fgbResult.geometryType, 'MultiPolygon');
    const features = [];
    for await (const feature of fgb.deserialize(new Uint8Array(await readFile(join(dir, 'coverage-export.fgb'))))) features.push(feature);
    assert.equal(features.length, 1);
    assert.deepEqual((features[0].geometry as { coordinates: unknown }).coordinates, source);
    assert.equal(features[0].properties!.coveredAreaM2, Math.round(coverage.coveredArea * 1000) / 1000);
  }));

test('coverage polygon exports read by GDAL', { skip: NO_GDAL }, () =>
  withTempDir(async (dir) => {
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(trackBatch([...pass(0, 0, 100, 0, 1, 10), ...pass(0, 30, 100, 30, 1, 10, 1)]));
    const coverage = await builder.finish(dir);
    const lons = coverage.polygons!.coordinates.flat(2).map((p) => p[0]);
    const lats = coverage.polygons!.coordinates.flat(2).map((p) => p[1]);
    const extent = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);

    await exportShapefile(coverage.files.geojson, join(dir, 'coverage.zip'));
    await unzip(join(dir, 'coverage.zip'), join(dir, 'shp'));
    const shp = await ogrinfo(join(dir, 'shp', 'coverage.shp'));
    // Two separate passes 30 m apart: one feature whose geometry has two polygons.
    assert.equal(shp.geometry, 'Polygon');
    assert.equal(shp.featureCount, 1);
    assert.ok(near(shp.extent, extent), `${shp.extent} vs ${extent}`);
    assert.deepEqual([...shp.fields.keys()], ['coveredAre', 'sweptArea', 'overlapAre', 'areaUnit', 'coveredA_1', 'sweptAreaM', 'cellMeters', 'traceCellM', 'swathCount']);

    // The builder's own coverage.fgb (flatgeobuf's serializer) and the streaming export.
    for (const path of [coverage.files.fgb!, join(dir, 'export.fgb')]) {
      if (path.endsWith('export.fgb')) await exportFlatGeobuf(coverage.files.geojson, path);
      const layer = await ogrinfo(path);
      assert.equal(layer.geometry, 'Multi Polygon');
      assert.equal(layer.featureCount, 1);
      assert.ok(near(layer.extent, extent), `${path}: ${layer.extent} vs ${extent}`);
      assert.equal(layer.fields.get('coveredAreaM2'), 'Real');
      assert.equal(layer.fields.get('areaUnit'), 'String');
    }
  }));

test('errors are readable ExportErrors', () =>
  withTempDir(async (dir) => {
    const mixed = join(dir, 'mixed.geojson');
    await furrowGeoJson(mixed, [POINTS[0], { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, properties: {} }]);
    await assert.rejects(exportShapefile(mixed, join(dir, 'mixed.zip')), (error: Error) => error instanceof ExportError && /mix Point and Polygon/.test(error.message));

    const broken = join(dir, 'broken.geojson');
    await writeFile(broken, '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,');
    await assert.rejects(exportFlatGeobuf(broken, join(dir, 'broken.fgb')), (error: Error) => error instanceof ExportError && error.message.startsWith(broken));

    const empty = join(dir, 'empty.geojson');
    await furrowGeoJson(empty, []);
    await assert.rejects(exportShapefile(empty, join(dir, 'empty.zip')), /no features to export/);
    await assert.rejects(exportFlatGeobuf(empty, join(dir, 'empty.fgb')), /no features with a geometry/);

    const notFeature = join(dir, 'array.geojson');
    await writeFile(notFeature, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Point', coordinates: [1, 2] }] }, null, 2));
    await assert.rejects(exportShapefile(notFeature, join(dir, 'array.zip')), /feature 0 is not a GeoJSON Feature/);
  }));

test('any GeoJSON layout streams the same as Furrow’s own', () =>
  withTempDir(async (dir) => {
    const compact = join(dir, 'compact.geojson');
    await furrowGeoJson(compact, POINTS);
    const pretty = join(dir, 'pretty.geojson');
    await writeFile(pretty, JSON.stringify({ type: 'FeatureCollection', name: 'pretty', features: POINTS }, null, 2));
    await exportFlatGeobuf(compact, join(dir, 'a.fgb'));
    await exportFlatGeobuf(pretty, join(dir, 'b.fgb'));
    assert.deepEqual(await readFile(join(dir, 'a.fgb')), await readFile(join(dir, 'b.fgb')));
    const features = [];
    for await (const feature of fgb.deserialize(new Uint8Array(await readFile(join(dir, 'b.fgb'))))) features.push(feature);
    // FlatGeobuf stores no value for a null: the reader leaves those properties out.
    assert.deepEqual(
      features.map((f) => f.properties),
      POINTS.map((p) => Object.fromEntries(Object.entries(p.properties).filter(([, v]) => v !== null))),
    );
  }));
