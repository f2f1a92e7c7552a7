import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DBF_END, dbfHeader, dbfRecordLength, encodeDbfRecord, planDbfFields, type DbfField } from './dbf.ts';
import { ExportError, withInput } from './errors.ts';
import { asFeatureSource, type FeatureSource } from './feature-source.ts';
import { FileSink } from './file-sink.ts';
import { geometryFamily, SchemaScanner, type GeometryFamily } from './schema.ts';
import { encodeShape, RECORD_HEADER_BYTES, SHP_HEADER_BYTES, shapeContentBytes, shapeParts, shpHeader } from './shp.ts';
import { zipFiles } from './zip.ts';

/** ESRI's WKT for WGS84 longitude/latitude, as ArcGIS and GDAL write it in .prj files. */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

// .shp offsets and lengths are signed 32-bit counts of 16-bit words.
const MAX_SHP_BYTES = 2 ** 31 * 2 - 2;

export interface ShapefileExport {
  featureCount: number;
  geometry: GeometryFamily | null;
  bbox: [number, number, number, number] | null;
  /** GeoJSON property → dBase column (names shortened to 10 characters). */
  fields: DbfField[];
}

export interface ShapefileOptions {
  /** Base name of the .shp/.shx/.dbf/.prj/.cpg inside the zip; defaults to the zip's name. */
  layerName?: string;
}

/**
 * Converts a GeoJSON FeatureCollection (WGS84), or a layer of an operation's table, into a zipped ESRI shapefile: .shp, .shx, .dbf
 * (UTF-8, declared by a .cpg) and a WGS84 .prj. Two streaming passes over the input: the first
 * learns what the fixed-layout headers need (count, extent, field types and widths, file
 * lengths), the second writes the records, so memory does not grow with the number of features.
 *
 * Written by hand rather than with npm `shp-write` (0.3.2, 2016) or its successor
 * `@mapbox/shp-write` (0.4.3): both take a whole GeoJSON object and build every file in memory
 * before zipping (browser-oriented), which cannot hold a multi-million-point layer.
 */
export async function exportShapefile(input: string | FeatureSource, outZip: string, options: ShapefileOptions = {}): Promise<ShapefileExport> {
  const layer = options.layerName ?? basename(outZip, extname(outZip));
  const source = asFeatureSource(input);
  return withInput(source.label, async () => {
    const scanner = new SchemaScanner();
    let shpBytes = SHP_HEADER_BYTES;
    for await (const feature of source.features()) {
      scanner.add(feature);
      const geometry = feature.geometry;
      // A null geometry is a 4-byte null shape whatever the layer's type.
      shpBytes += RECORD_HEADER_BYTES + (geometry === null ? 4 : shapeContentBytes(geometryFamily(geometry.type), shapeParts(geometry)));
    }
    const schema = scanner.result();
    if (schema.featureCount === 0) throw new ExportError('no features to export: a shapefile needs at least one');
    if (shpBytes > MAX_SHP_BYTES) throw new ExportError(`the geometry would take ${shpBytes} bytes, more than a shapefile's 4 GiB limit`);
    const fields = planDbfFields(schema.fields);
    if (fields.length === 0) fields.push({ source: '', name: 'id', type: 'N', length: String(schema.featureCount).length, decimals: 0 });
    const numbered = fields[0].source === '';

    const work = await mkdtemp(join(dirname(outZip), '.shp-'));
    try {
      const path = (ext: string) => join(work, `${layer}.${ext}`);
      const shp = await FileSink.create(path('shp'));
      const shx = await FileSink.create(path('shx'));
      const dbf = await FileSink.create(path('dbf'));
      try {
        await shp.write(shpHeader(schema.family, shpBytes, schema.bbox));
        await shx.write(shpHeader(schema.family, SHP_HEADER_BYTES + RECORD_HEADER_BYTES * schema.featureCount, schema.bbox));
        await dbf.write(dbfHeader(fields, schema.featureCount));
        const recordLength = dbfRecordLength(fields);
        let number = 0;
        for await (const feature of source.features()) {
          number++;
          const parts = shapeParts(feature.geometry);
          const content = shapeContentBytes(schema.family ?? 'point', parts);
          await shx.room(RECORD_HEADER_BYTES);
          shx.buffer.writeInt32BE(shp.size / 2, shx.position);
          shx.buffer.writeInt32BE(content / 2, shx.position + 4);
          shx.position += RECORD_HEADER_BYTES;
          await shp.room(RECORD_HEADER_BYTES + content);
          shp.buffer.writeInt32BE(number, shp.position);
          shp.buffer.writeInt32BE(content / 2, shp.position + 4);
          shp.position += RECORD_HEADER_BYTES;
          shp.position += encodeShape(schema.family ?? 'point', parts, shp.buffer, shp.position);
          await dbf.room(recordLength);
          const properties = numbered ? { '': number } : feature.properties;
          dbf.position += encodeDbfRecord(fields, properties, dbf.buffer, dbf.position);
        }
        if (number !== schema.featureCount) throw new ExportError('the input changed while it was being exported');
        await dbf.write(DBF_END);
      } finally {
        await Promise.all([shp.close(), shx.close(), dbf.close()]);
      }
      if (shp.size !== shpBytes) throw new Error(`internal error: wrote ${shp.size} .shp bytes, planned ${shpBytes}`);
      await writeFile(path('prj'), WGS84_PRJ);
      await writeFile(path('cpg'), 'UTF-8');
      await zipFiles(['shp', 'shx', 'dbf', 'prj', 'cpg'].map(path), outZip);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return { featureCount: schema.featureCount, geometry: schema.family, bbox: schema.bbox, fields };
  });
}
