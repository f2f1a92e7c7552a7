import { test } from 'node:test';
import assert from 'node:assert/strict';
import proj4 from 'proj4';
import { DbfReader, dateValue, logicalValue, numberValue, textBytes } from '../../../src/formats/shapefile/dbf-reader.ts';
import { chooseEncoding, cpgLabel } from '../../../src/formats/shapefile/encoding.ts';
import { chooseProjection } from '../../../src/formats/shapefile/projection.ts';
import { ShpReader } from '../../../src/formats/shapefile/shp-reader.ts';
import { DatasetError } from '../../../src/formats/types.ts';
import { chunked, dbfFile, multiPoint, nullShape, point, pointM, pointZ, polygon, shpFile } from './build.ts';

/*
 * The .shp/.dbf readers on hand-built files (build.ts writes the bytes from the format
 * descriptions), read in 7-byte chunks so that every record crosses a chunk boundary. Expected
 * positions are the written ones; centroids are computed by hand in the comments.
 */

async function allPoints(reader: ShpReader): Promise<{ n: number; has: boolean; x: number; y: number; z: number; m: number }[]> {
  const out = [];
  while (await reader.next()) {
    const p = reader.point;
    out.push({ n: p.recordNumber, has: p.hasPosition, x: p.x, y: p.y, z: p.z, m: p.m });
  }
  return out;
}

test('shp reader: Point records in order, Null shapes without position', async () => {
  const bytes = shpFile(1, [point(-93.1, 41.6), nullShape(), point(-93.2, 41.7)]);
  const reader = await ShpReader.open(chunked(bytes), 'a.shp');
  assert.equal(reader.header.shapeType, 1);
  const points = await allPoints(reader);
  assert.deepEqual(
    points.map((p) => [p.n, p.has, p.x, p.y]),
    [
      [1, true, -93.1, 41.6],
      [2, false, NaN, NaN],
      [3, true, -93.2, 41.7],
    ],
  );
  assert.equal(reader.truncated, undefined);
});

test('shp reader: PointZ keeps Z (NaN as JD writes it) and treats M below -1e38 as no data; PointM reads M', async () => {
  const z = await allPoints(await ShpReader.open(chunked(shpFile(11, [pointZ(1, 2, NaN, -1e39), pointZ(3, 4, 250.5, 7)])), 'z.shp'));
  assert.ok(Number.isNaN(z[0]!.z) && Number.isNaN(z[0]!.m));
  assert.deepEqual([z[1]!.x, z[1]!.y, z[1]!.z, z[1]!.m], [3, 4, 250.5, 7]);
  const m = await allPoints(await ShpReader.open(chunked(shpFile(21, [pointM(5, 6, 12.5)])), 'm.shp'));
  assert.deepEqual([m[0]!.x, m[0]!.y, m[0]!.m], [5, 6, 12.5]);
  assert.ok(Number.isNaN(m[0]!.z));
});

test('shp reader: MultiPoint gives its first point, Polygon its area centroid (holes subtracted)', async () => {
  const mp = await allPoints(await ShpReader.open(chunked(shpFile(8, [multiPoint([[10, 20], [11, 21]])])), 'mp.shp'));
  assert.deepEqual([mp[0]!.x, mp[0]!.y], [10, 20]);

  // L-shape = [0,2]×[0,1] (area 2, centroid (1, 0.5)) + [0,1]×[1,2] (area 1, centroid (0.5, 1.5)):
  // centroid ((2·1 + 1·0.5)/3, (2·0.5 + 1·1.5)/3) = (5/6, 5/6). Outer ring clockwise as shapefiles require.
  const lShape: [number, number][] = [[0, 0], [0, 2], [1, 2], [1, 1], [2, 1], [2, 0], [0, 0]];
  // 4×4 square (area 16, centroid (2, 2)) minus the hole [1,2]×[1,2] (area 1, centroid (1.5, 1.5)):
  // ((16·2 − 1.5)/15, same) = (30.5/15, 30.5/15); the hole runs counter-clockwise.
  const square: [number, number][] = [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]];
  const hole: [number, number][] = [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]];
  const polys = await allPoints(await ShpReader.open(chunked(shpFile(5, [polygon([lShape]), polygon([square, hole])])), 'p.shp'));
  assert.ok(Math.abs(polys[0]!.x - 5 / 6) < 1e-12 && Math.abs(polys[0]!.y - 5 / 6) < 1e-12, `${polys[0]!.x}, ${polys[0]!.y}`);
  assert.ok(Math.abs(polys[1]!.x - 30.5 / 15) < 1e-12 && Math.abs(polys[1]!.y - 30.5 / 15) < 1e-12, `${polys[1]!.x}, ${polys[1]!.y}`);
});

test('shp reader: a file cut inside a record yields the records before it and says where it was cut', async () => {
  const whole = shpFile(1, [point(1, 1), point(2, 2), point(3, 3)]);
  // 100-byte header + 2 × 28-byte records + 10 bytes of the third record.
  const reader = await ShpReader.open(chunked(whole.subarray(0, 100 + 56 + 10)), 'cut.shp');
  const points = await allPoints(reader);
  assert.equal(points.length, 2);
  assert.match(reader.truncated ?? '', /cut\.shp ends inside record 3 \(2 of 20 bytes\)/);
});

test('shp reader: refuses files that are not shapefiles and line layers, with the reason', async () => {
  await assert.rejects(ShpReader.open(chunked(Buffer.from('PK\u0003\u0004 not a shapefile'.padEnd(120))), 'x.shp'), (e: Error) => e instanceof DatasetError && /file code/.test(e.message));
  await assert.rejects(ShpReader.open(chunked(Buffer.alloc(40)), 'short.shp'), /shorter than the 100-byte header/);
  await assert.rejects(ShpReader.open(chunked(shpFile(3, [])), 'lines.shp'), /PolyLine shapes/);
});

const FIELDS = [
  { name: 'Rate', type: 'N' as const, length: 10, decimals: 3 },
  { name: 'Product', type: 'C' as const, length: 12 },
  { name: 'Day', type: 'D' as const, length: 8 },
  { name: 'On', type: 'L' as const, length: 1 },
];

test('dbf reader: numbers, blanks as NaN, text without padding, dates, logicals, deleted rows', async () => {
  const bytes = dbfFile(
    FIELDS,
    [
      [12.5, 'Tank Mix', '20170922', 'T'],
      ['', '', '', '?'],
      [-0.25, 'Water', '20160230', 'F'],
    ],
    { deleted: [2] },
  );
  const reader = await DbfReader.open(chunked(bytes), 't.dbf');
  assert.deepEqual(
    reader.header.fields.map((f) => [f.name, f.type, f.offset, f.length]),
    [
      ['Rate', 'N', 1, 10],
      ['Product', 'C', 11, 12],
      ['Day', 'D', 23, 8],
      ['On', 'L', 31, 1],
    ],
  );
  const [rate, product, day, on] = reader.header.fields as [never, never, never, never];
  const first = Buffer.from((await reader.next())!);
  assert.equal(numberValue(first, rate), 12.5);
  assert.equal(textBytes(first, product).toString('latin1'), 'Tank Mix');
  assert.equal(dateValue(first, day), Date.UTC(2017, 8, 22));
  assert.equal(logicalValue(first, on), 1);
  const second = Buffer.from((await reader.next())!);
  assert.ok(Number.isNaN(numberValue(second, rate)));
  assert.equal(textBytes(second, product).length, 0);
  assert.ok(Number.isNaN(dateValue(second, day)));
  assert.ok(Number.isNaN(logicalValue(second, on)));
  assert.equal(await reader.next(), null, 'the third row is marked deleted');
  assert.equal(await reader.next(), undefined);
  assert.equal(reader.truncated, undefined);
});

test('dbf reader: a table that ends before its declared record count says so', async () => {
  const bytes = dbfFile(FIELDS, [
    [1, 'a', '20170101', 'T'],
    [2, 'b', '20170101', 'T'],
  ]);
  // Header (32 + 4·32 + 1 = 161 bytes) + one 32-byte record + 5 bytes of the second.
  const reader = await DbfReader.open(chunked(bytes.subarray(0, 161 + 32 + 5)), 'cut.dbf');
  assert.ok(await reader.next());
  assert.equal(await reader.next(), undefined);
  assert.match(reader.truncated ?? '', /cut\.dbf ends inside record 2 \(5 of 32 bytes\)/);
});

test('text encodings: .cpg first, then the language driver byte, then UTF-8 or windows-1252', () => {
  const latin1 = Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]); // "Müller" in ISO-8859-1 / windows-1252
  assert.equal(chooseEncoding('ISO-8859-1', 0).decode(latin1), 'Müller');
  assert.equal(chooseEncoding('1252\r\n', 0).decode(latin1), 'Müller');
  assert.equal(cpgLabel('ANSI 1252'), 'windows-1252');
  assert.equal(cpgLabel('UTF8'), 'utf-8');
  assert.equal(cpgLabel('88591'), 'iso-8859-1');
  // cp850 (language driver 0x02): 0x81 is ü, 0x82 é; TextDecoder lacks it, iconv-lite reads it.
  const cp850 = chooseEncoding(undefined, 0x02);
  assert.match(cp850.description, /cp850/);
  assert.equal(cp850.decode(Buffer.from([0x4d, 0x81, 0x6c, 0x6c, 0x65, 0x72])), 'Müller');
  assert.equal(chooseEncoding('OEM 437', 0x58).decode(Buffer.from([0x82])), 'é');
  // No .cpg and no language driver: valid UTF-8 as UTF-8, anything else as windows-1252.
  const fallback = chooseEncoding(undefined, 0);
  assert.equal(fallback.decode(Buffer.from('Müller', 'utf8')), 'Müller');
  assert.equal(fallback.decode(latin1), 'Müller');
  const unknown = chooseEncoding('KLINGON-1', 0);
  assert.match(unknown.warning ?? '', /not known/);
});

const UTM15N =
  'PROJCS["WGS_1984_UTM_Zone_15N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-93.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
const WGS84 = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

test('projection: an ESRI UTM .prj is reprojected to WGS84; a WGS84 .prj is not touched', () => {
  const utm = chooseProjection(UTM15N, 'u.shp', [400000, 4500000, 600000, 4700000]);
  assert.ok(utm.transform);
  assert.match(utm.warning ?? '', /WGS_1984_UTM_Zone_15N/);
  // By hand: easting 500 000 m is the false easting, i.e. on the central meridian −93°, and at
  // northing 0 the latitude is 0 (latitude of origin).
  const [lonCm, latCm] = utm.transform([500000, 0]);
  assert.ok(Math.abs(lonCm + 93) < 1e-9 && Math.abs(latCm) < 1e-9, `${lonCm}, ${latCm}`);
  // Along the central meridian, northing = 0.9996 × the meridian arc from the equator. For
  // WGS84 at 45°N the arc is 4 984 944.378 m (Snyder 1987 eq. 3-21 with e² = 0.00669438), so
  // northing 4 982 950.400 m is 45°N.
  const [lon45, lat45] = utm.transform([500000, 4982950.4]);
  assert.ok(Math.abs(lon45 + 93) < 1e-9 && Math.abs(lat45 - 45) < 1e-6, `${lon45}, ${lat45}`);
  // Off the meridian: proj4's own forward projection of a field corner in Iowa comes back.
  const xy = proj4('EPSG:4326', UTM15N).forward([-93.4862346, 41.7688361]);
  const [lon, lat] = utm.transform([xy[0], xy[1]]);
  assert.ok(Math.abs(lon + 93.4862346) < 1e-9 && Math.abs(lat - 41.7688361) < 1e-9);
  assert.equal(chooseProjection(WGS84, 'w.shp', [-94, 41, -93, 42]).transform, null);
});

test('projection: without .prj, lon/lat extents are read as WGS84 with a warning, others are refused', () => {
  const assumed = chooseProjection(undefined, 'n.shp', [-93.5, 41.7, -93.4, 41.8]);
  assert.equal(assumed.transform, null);
  assert.match(assumed.warning ?? '', /no \.prj file/);
  assert.throws(() => chooseProjection(undefined, 'n.shp', [400000, 4500000, 600000, 4700000]), (e: Error) => e instanceof DatasetError && /not longitude\/latitude/.test(e.message));
});

test('dbf numbers parsed from bytes are the same doubles as Number() of the text', () => {
  const field = { name: 'V', type: 'N', offset: 1, length: 20, decimals: 8 };
  // Deterministic pseudo-random decimals like JD's N18.8 and SMS's N15.4 values, signs, and edge forms.
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const texts = ['0', '-0.00000000', '2724.91836975', '.5', '5.', '+3.25', '1e3', '123456789012.12345678', '99999999999999999999', '***', '-', '.'];
  for (let i = 0; i < 20000; i++) texts.push(((random() - 0.3) * 10 ** Math.floor(random() * 9)).toFixed(Math.floor(random() * 9)));
  for (const text of texts) {
    const record = Buffer.alloc(21, 0x20);
    record.write(text.padStart(20), 1, 'latin1');
    const expected = Number(text);
    const got = numberValue(record, field);
    if (Number.isFinite(expected) && text !== '-' && text !== '.') assert.ok(Object.is(got, expected), `${text}: ${got} vs ${expected}`);
    else assert.ok(Number.isNaN(got), `${text}: ${got}`);
  }
});
