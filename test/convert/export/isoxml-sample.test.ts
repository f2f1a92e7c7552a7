import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { geojson as fgb } from 'flatgeobuf';
import * as shapefile from 'shapefile';
import { exportFlatGeobuf } from '../../../src/convert/export/flatgeobuf.ts';
import { exportShapefile } from '../../../src/convert/export/shapefile.ts';
import { convertInput } from '../../../src/convert-input.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { NO_GDAL, ogrinfo, unzip } from './gis.ts';

/*
 * The AGCO / MicroTrak sprayer sample through the real pipeline, then its normalized.geojson
 * (every point, standard names and units) exported. Expected count, extent and values are read
 * from that GeoJSON here with a plain JSON.parse, independently of the exporters' own reader.
 */

const OPERATION = 'TASKDATA/TSK2-applied-DET-15';

interface Feature {
  geometry: { coordinates: [number, number] };
  properties: Record<string, number | string | null | object>;
}

/** Standard names → the 10-character dBase names the export must choose (written by hand). */
const DBF_NAMES: Record<string, string> = {
  timestamp: 'timestamp',
  distance: 'distance',
  heading: 'heading',
  area: 'area',
  elevation: 'elevation',
  equipmentWidth: 'equipmentW',
  appliedRate: 'appliedRat',
  appliedRateTarget: 'appliedR_1',
  speed: 'speed',
  operationType: 'operationT',
  originalOperationType: 'originalOp',
  recordingStatus: 'recordingS',
  workingWidth: 'workingWid',
  // Leaf's per-point products of an applied point: a list, written as JSON text (a dBase field holds no list).
  products: 'products',
};

/** What a flat file holds for a value: lists and objects as their JSON text. */
const flat = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

test('AGCO sprayer normalized.geojson → shapefile and FlatGeobuf, read back by shapefile, flatgeobuf and GDAL', () =>
  withTempDir(async (dir) => {
    await convertInput(sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip'), dir, { units: 'default' });
    const input = join(dir, OPERATION, 'normalized.geojson');
    const features = (JSON.parse(await readFile(input, 'utf8')) as { features: Feature[] }).features;
    // ORACLE.json (npm isoxml over the same bytes): task "350" has 3 timelogs with 2 449 + 370 + 1 664 = 4 483 valid positions.
    assert.equal(features.length, 4483);
    const lons = features.map((f) => f.geometry.coordinates[0]);
    const lats = features.map((f) => f.geometry.coordinates[1]);
    const extent = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    const names = new Set(features.flatMap((f) => Object.keys(f.properties)));
    assert.deepEqual([...names].sort(), Object.keys(DBF_NAMES).sort());

    const shp = await exportShapefile(input, join(dir, 'sprayer.zip'));
    assert.equal(shp.featureCount, features.length);
    assert.deepEqual(shp.bbox, extent);
    assert.deepEqual(Object.fromEntries(shp.fields.map((f) => [f.source, f.name])), DBF_NAMES);
    await unzip(join(dir, 'sprayer.zip'), join(dir, 'shp'));
    const read = await shapefile.read(join(dir, 'shp', 'sprayer.shp'), join(dir, 'shp', 'sprayer.dbf'), { encoding: 'utf-8' });
    assert.equal(read.features.length, features.length);
    // Every value back exactly: numeric fields are as wide as the longest round-trip decimal form.
    read.features.forEach((back, i) => {
      assert.deepEqual((back.geometry as { coordinates: number[] }).coordinates, features[i].geometry.coordinates);
      for (const [name, short] of Object.entries(DBF_NAMES)) assert.equal(back.properties![short], flat(features[i].properties[name]) ?? null, `feature ${i} ${name}`);
    });

    const fgbResult = await exportFlatGeobuf(input, join(dir, 'sprayer.fgb'));
    assert.equal(fgbResult.featureCount, features.length);
    let i = 0;
    for await (const back of fgb.deserialize(new Uint8Array(await readFile(join(dir, 'sprayer.fgb'))))) {
      assert.deepEqual((back.geometry as { coordinates: number[] }).coordinates, features[i].geometry.coordinates);
      const expected = Object.fromEntries(Object.entries(features[i].properties).filter(([, v]) => v !== null).map(([k, v]) => [k, flat(v)]));
      assert.deepEqual(back.properties, expected, `feature ${i}`);
      i++;
    }
    assert.equal(i, features.length);

    if (NO_GDAL) return;
    const near = (a: number[]) => a.every((v, k) => Math.abs(v - extent[k]) < 5e-7); // ogrinfo prints 6 decimals
    const shpLayer = await ogrinfo(join(dir, 'shp', 'sprayer.shp'));
    assert.equal(shpLayer.featureCount, features.length);
    assert.equal(shpLayer.geometry, 'Point');
    assert.ok(near(shpLayer.extent), `${shpLayer.extent} vs ${extent}`);
    assert.deepEqual([...shpLayer.fields.keys()].sort(), Object.values(DBF_NAMES).sort());
    const fgbLayer = await ogrinfo(join(dir, 'sprayer.fgb'));
    assert.equal(fgbLayer.featureCount, features.length);
    assert.equal(fgbLayer.geometry, 'Point');
    assert.ok(near(fgbLayer.extent), `${fgbLayer.extent} vs ${extent}`);
    assert.deepEqual([...fgbLayer.fields.keys()].sort(), Object.keys(DBF_NAMES).sort());
  }));
