import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import proj4 from 'proj4';
import { convertInput, type ConversionReport } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { shapefileDriver } from '../../../src/formats/shapefile/driver.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';
import { dbfFile, point, pointZ, polygon, shpFile, type FieldDef } from './build.ts';

/*
 * The driver on small hand-built layers zipped with their siblings: what is claimed, what each
 * exporter's names become, and the readable failures. Expected values are the bytes written.
 */

interface Feature {
  geometry: { coordinates: [number, number] };
  properties: Record<string, number | string | null>;
}

interface Converted {
  report: ConversionReport;
  raw: (i?: number) => Promise<Feature[]>;
  normalized: (i?: number) => Promise<Feature[]>;
}

async function convertFiles(files: Record<string, string | Buffer>, check: (c: Converted) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'upload.zip');
    await writeZip(zip, files);
    const out = join(dir, 'out');
    const report = await convertInput(zip, out, { units: 'default' }, {}, [shapefileDriver]);
    const features = (file: string) => async (i = 0) => (JSON.parse(await readFile(join(out, report.operations[i]!.dir, file), 'utf8')) as { features: Feature[] }).features;
    await check({ report, raw: features('raw.geojson'), normalized: features('normalized.geojson') });
  });
}

const UTM15N =
  'PROJCS["WGS_1984_UTM_Zone_15N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-93.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

const GENERIC_FIELDS: FieldDef[] = [
  { name: 'AppliedRat', type: 'N', length: 10, decimals: 2 },
  { name: 'Product', type: 'C', length: 20 },
  { name: 'IsoTime', type: 'C', length: 24 },
  { name: 'Operator', type: 'C', length: 10 },
];

test('a generic layer in UTM with a latin1 .cpg: reprojected positions, decoded names, Leaf-recognised rate', async () => {
  const lonLat: [number, number][] = [
    [-93.4862346, 41.7688361],
    [-93.4861, 41.769],
  ];
  const toUtm = proj4('EPSG:4326', UTM15N);
  const xy = lonLat.map((p) => toUtm.forward(p));
  const product = Buffer.from('Düngér 28%', 'latin1');
  await convertFiles(
    {
      'export/field7/rates.shp': shpFile(1, xy.map(([x, y]) => point(x, y)), [xy[0]![0], xy[0]![1], xy[1]![0], xy[1]![1]]),
      'export/field7/rates.dbf': dbfFile(GENERIC_FIELDS, [
        [12.5, product, '2024-05-02T10:00:00.000Z', 'Ann'],
        [13.25, product, '2024-05-02T10:00:01.500Z', 'Ann'],
      ]),
      'export/field7/rates.prj': UTM15N,
      'export/field7/rates.cpg': 'ISO-8859-1',
    },
    async ({ report, raw, normalized }) => {
      assert.deepEqual(report.failures, []);
      assert.equal(report.operations.length, 1);
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.equal(op.operationType, 'applied');
      assert.equal(op.fileFormat, 'SHAPEFILE');
      assert.equal(op.provider, 'Other');
      assert.ok(op.warnings.some((w) => w.includes('reprojected to WGS84')));
      const features = await raw();
      assert.equal(features.length, 2);
      features.forEach((f, i) => {
        // GeoJSON coordinates are written with 7 decimals (≈1 cm).
        assert.ok(Math.abs(f.geometry.coordinates[0] - lonLat[i]![0]) < 1e-7 && Math.abs(f.geometry.coordinates[1] - lonLat[i]![1]) < 1e-7, JSON.stringify(f.geometry));
      });
      assert.equal(features[0]!.properties.Product, 'Düngér 28%');
      assert.equal(features[1]!.properties.time, '2024-05-02T10:00:01.500Z');
      assert.equal(features[1]!.properties.AppliedRat, 13.25);
      // Unknown columns stay raw; the recognised rate becomes appliedRate in the assumed US unit.
      assert.equal(features[0]!.properties.Operator, 'Ann');
      const norm = await normalized();
      assert.equal(norm[1]!.properties.appliedRate, 13.25);
      assert.equal(norm[1]!.properties.Operator, undefined);
    },
  );
});

test('a .shp without its .dbf fails alone with a clear reason; the other layer converts', async () => {
  await convertFiles(
    {
      'lonely.shp': shpFile(1, [point(-93, 41)]),
      'lonely.prj': 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      'ok/rates.shp': shpFile(1, [point(-93, 41)], [-93, 41, -93, 41]),
      'ok/rates.dbf': dbfFile(GENERIC_FIELDS, [[10, 'X', '2024-05-02T10:00:00Z', '']]),
    },
    async ({ report }) => {
      assert.equal(report.failures.length, 1);
      assert.equal(report.failures[0]!.path, 'lonely');
      assert.match(report.failures[0]!.reason, /lonely\.shp has no lonely\.dbf beside it/);
      assert.equal(report.operations.length, 1);
      assert.equal(report.operations[0]!.status, 'processed');
      // No .prj: lon/lat extent read as WGS84, and said.
      assert.ok(report.operations[0]!.warnings.some((w) => w.includes('no .prj file')));
    },
  );
});

test('a truncated .shp converts the complete records and warns; the table tail is reported', async () => {
  const whole = shpFile(11, [pointZ(-93, 41, NaN, 0), pointZ(-93.0001, 41.0001, NaN, 0), pointZ(-93.0002, 41.0002, NaN, 0)], [-93.0002, 41, -93, 41.0002]);
  await convertFiles(
    {
      'cut.shp': whole.subarray(0, 100 + 2 * 44 + 20),
      'cut.dbf': dbfFile(GENERIC_FIELDS, [
        [10, 'X', '2024-05-02T10:00:00Z', ''],
        [11, 'X', '2024-05-02T10:00:01Z', ''],
        [12, 'X', '2024-05-02T10:00:02Z', ''],
      ]),
    },
    async ({ report, raw }) => {
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.equal((await raw()).length, 2);
      assert.ok(
        op.warnings.some((w) => /cut\.shp has fewer shapes than cut\.dbf.*ends inside record 3/.test(w)),
        op.warnings.join('\n'),
      );
    },
  );
});

test('a layer with no yield, seed or applied-rate column is refused naming what was looked for', async () => {
  await convertFiles(
    {
      'boundary.shp': shpFile(1, [point(-93, 41)], [-93, 41, -93, 41]),
      'boundary.dbf': dbfFile([{ name: 'Name', type: 'C', length: 10 }], [['Field 1']]),
    },
    async ({ report }) => {
      assert.equal(report.operations.length, 0);
      assert.match(report.failures[0]!.reason, /operation type is unknown: no yield \(Yld_Vol_We, Yield_Mass, WetMass\), seed rate .*AppliedRat/);
    },
  );
});

test('a Trimble AgGPS layer takes grower, farm and field from its folders and metric units', async () => {
  const fields: FieldDef[] = [
    { name: 'Yld_Vol_We', type: 'N', length: 10, decimals: 2 },
    { name: 'Speed', type: 'N', length: 8, decimals: 2 },
    { name: 'Swath_wdth', type: 'N', length: 8, decimals: 2 },
    { name: 'UTC_Date', type: 'D', length: 8 },
    { name: 'UTC_Time', type: 'C', length: 10 },
  ];
  await convertFiles(
    {
      'AgGPS/Data/Smith/North Farm/Field 9/Harvest 1/Coverage.shp': shpFile(1, [point(10.5, 59.9), point(10.5001, 59.9)], [10.5, 59.9, 10.5001, 59.9]),
      'AgGPS/Data/Smith/North Farm/Field 9/Harvest 1/Coverage.dbf': dbfFile(fields, [
        [6.5, 5.4, 9.1, '20230812', '14:03:07.5'],
        [7.0, 5.6, 9.1, '20230812', '14:03:08.5'],
      ]),
    },
    async ({ report, raw, normalized }) => {
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.equal(op.provider, 'Trimble');
      assert.equal(op.operationType, 'harvested');
      const features = await raw();
      assert.equal(features[0]!.properties.time, '2023-08-12T14:03:07.500Z');
      const norm = await normalized();
      // Speed is logged in km/h and kept in the source unit by the default system.
      assert.equal(norm[0]!.properties.speed, 5.4);
      assert.equal(norm[0]!.properties.equipmentWidth, 9.1);
    },
  );
  // The folders name client, farm, field and task (FM-1000 guide's data storage structure).
  await withTempDir(async (dir) => {
    const zip = join(dir, 'aggps.zip');
    await writeZip(zip, {
      'AgGPS/Data/Smith/North Farm/Field 9/Harvest 1/Coverage.shp': shpFile(1, [point(10.5, 59.9)], [10.5, 59.9, 10.5, 59.9]),
      'AgGPS/Data/Smith/North Farm/Field 9/Harvest 1/Coverage.dbf': dbfFile(fields, [[6.5, 5.4, 9.1, '20230812', '14:03:07.5']]),
    });
    const archive = await openArchive(zip);
    try {
      const datasets = await shapefileDriver.detect(archive.entries);
      assert.equal(datasets.length, 1);
      const [source] = await shapefileDriver.read(datasets[0]!);
      assert.deepEqual([source!.meta.grower, source!.meta.farm, source!.meta.field, source!.meta.description], ['Smith', 'North Farm', 'Field 9', 'Harvest 1/Coverage']);
    } finally {
      await archive.close();
    }
  });
});

test('a polygon coverage layer uses each polygon centroid as its position and says so', async () => {
  // A 0.001° square around (-93.0005, 41.0005): centroid at its middle (ring clockwise).
  const square: [number, number][] = [[-93.001, 41], [-93.001, 41.001], [-93, 41.001], [-93, 41], [-93.001, 41]];
  await convertFiles(
    {
      'cover.shp': shpFile(5, [polygon([square])], [-93.001, 41, -93, 41.001]),
      'cover.dbf': dbfFile(GENERIC_FIELDS, [[9.5, 'X', '2024-05-02T10:00:00Z', '']]),
    },
    async ({ report, raw }) => {
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.ok(op.warnings.some((w) => /Polygon layer: each polygon's area centroid/.test(w)));
      const [feature] = await raw();
      assert.deepEqual(feature!.geometry.coordinates, [-93.0005, 41.0005]);
    },
  );
});

test('a damaged .shp beside its .dbf is claimed and fails with the reason', async () => {
  await convertFiles(
    {
      'bad.shp': Buffer.from('this is not a shapefile at all, just text long enough for a header'.padEnd(120)),
      'bad.dbf': dbfFile(GENERIC_FIELDS, [[9.5, 'X', '2024-05-02T10:00:00Z', '']]),
    },
    async ({ report }) => {
      assert.equal(report.operations.length, 0);
      assert.match(report.failures[0]!.reason, /bad\.shp is not a shapefile: its file code is/);
    },
  );
});

test('a John Deere layer without its metadata JSON is recognised by its columns and read in JD units', async () => {
  const fields: FieldDef[] = [
    { name: 'DISTANCE', type: 'N', length: 18, decimals: 8 },
    { name: 'SWATHWIDTH', type: 'N', length: 18, decimals: 8 },
    { name: 'VRYIELDVOL', type: 'N', length: 18, decimals: 8 },
    { name: 'SECTIONID', type: 'N', length: 9 },
    { name: 'Moisture', type: 'N', length: 18, decimals: 8 },
    { name: 'IsoTime', type: 'C', length: 24 },
  ];
  await convertFiles(
    {
      'jd.shp': shpFile(1, [point(-93, 41), point(-93.0001, 41)], [-93.0001, 41, -93, 41]),
      'jd.dbf': dbfFile(fields, [
        [3.5, 30, 180.25, 105, 17.5, '2017-10-27T08:56:52.124Z'],
        [3.4, 30, 182.5, 105, 17.25, '2017-10-27T08:56:53.124Z'],
      ]),
    },
    async ({ report, normalized }) => {
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.equal(op.provider, 'JohnDeere');
      assert.equal(op.operationType, 'harvested');
      assert.ok(op.warnings.some((w) => /no -Deere-Metadata\.json/.test(w)));
      const [first] = await normalized();
      // VRYIELDVOL is JD's dry volume (bu/ac at the standard moisture), kept as logged; with no crop
      // known there is no standard moisture, so the wet volume repeats it (and a warning says so).
      assert.equal(first!.properties.dryVolumePerArea, 180.25);
      assert.equal(first!.properties.wetVolumePerArea, 180.25);
      assert.ok(op.warnings.some((w) => /no crop is recorded/.test(w)));
      assert.equal(first!.properties.distance, 3.5);
      assert.equal(first!.properties.equipmentWidth, 30);
      assert.equal(first!.properties.timestamp, '2017-10-27T08:56:52.124Z');
    },
  );
});

test('an SMS export whose columns name metric units is read as metric and says so', async () => {
  const fields: FieldDef[] = [
    { name: 'Product', type: 'C', length: 20 },
    { name: 'Distance_m', type: 'N', length: 15, decimals: 4 },
    { name: 'Swth_Wdth_', type: 'N', length: 15, decimals: 4 },
    { name: 'Yld_Mass_W', type: 'N', length: 15, decimals: 4 },
    { name: 'Moisture__', type: 'N', length: 15, decimals: 4 },
    { name: 'Speed_km_h', type: 'N', length: 15, decimals: 4 },
    { name: 'Date', type: 'D', length: 8 },
  ];
  await convertFiles(
    {
      'sms.shp': shpFile(1, [point(10, 50), point(10.0001, 50)], [10, 50, 10.0001, 50]),
      'sms.dbf': dbfFile(fields, [
        ['WHEAT', 1.5, 9, 8500, 14.5, 6.2, '20230801'],
        ['WHEAT', 1.5, 9, 8700, 14.25, 6.1, '20230801'],
      ]),
    },
    async ({ report, normalized }) => {
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.equal(op.provider, 'AgLeader');
      assert.ok(op.warnings.some((w) => /read in metric units: Distance_m, Speed_km_h/.test(w)), op.warnings.join('\n'));
      assert.ok(op.warnings.some((w) => /00:00 UTC/.test(w)));
      const [first] = await normalized();
      assert.equal(first!.properties.crop, 'wheat');
      // Yld_Mass_W read as kg/ha (assumed for metric SMS), a unit the default system keeps.
      assert.equal(first!.properties.wetMassPerArea, 8500);
      assert.equal(first!.properties.equipmentWidth, 9);
    },
  );
});

test('points need a time: a layer without any time column is refused, a record without one is skipped', async () => {
  await convertFiles(
    {
      'notime.shp': shpFile(1, [point(-93, 41)], [-93, 41, -93, 41]),
      'notime.dbf': dbfFile([{ name: 'AppliedRat', type: 'N', length: 8, decimals: 2 }], [[5]]),
    },
    async ({ report }) => {
      assert.equal(report.operations.length, 0);
      assert.match(report.failures[0]!.reason, /notime\.dbf has no time column \(looked for IsoTime/);
    },
  );
  await convertFiles(
    {
      'gap.shp': shpFile(1, [point(-93, 41), point(-93.0001, 41), point(-93.0002, 41)], [-93.0002, 41, -93, 41]),
      'gap.dbf': dbfFile(GENERIC_FIELDS, [
        [5, 'X', '2024-05-02T10:00:00Z', ''],
        [6, 'X', '', ''],
        [7, 'X', '2024-05-02T10:00:02Z', ''],
      ]),
    },
    async ({ report, raw }) => {
      const op = report.operations[0]!;
      assert.equal(op.status, 'processed', op.statusDetails);
      assert.deepEqual((await raw()).map((f) => f.properties.AppliedRat), [5, 7]);
      assert.ok(op.warnings.includes('1 of 3 records have no readable time and were skipped'), op.warnings.join('\n'));
    },
  );
});
