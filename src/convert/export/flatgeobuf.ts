import { ColumnType, GeometryType } from 'flatgeobuf/lib/mjs/generic.js';
import type { ColumnMeta } from 'flatgeobuf/lib/mjs/column-meta.js';
import { magicbytes } from 'flatgeobuf/lib/mjs/constants.js';
import { buildFeature } from 'flatgeobuf/lib/mjs/generic/feature.js';
import { buildHeader } from 'flatgeobuf/lib/mjs/generic/featurecollection.js';
import { parseGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { ExportError, withInput } from './errors.ts';
import { asFeatureSource, type FeatureSource } from './feature-source.ts';
import { FileSink } from './file-sink.ts';
import type { GeoJsonGeometry, JsonValue } from './geojson-source.ts';
import { fieldKind, SchemaScanner, valueAsText, type FieldKind, type LayerSchema } from './schema.ts';

export interface FlatGeobufExport {
  featureCount: number;
  /** Features without a geometry, which FlatGeobuf cannot hold: left out. */
  skippedNullGeometry: number;
  geometryType: string;
  bbox: [number, number, number, number] | null;
  columns: { name: string; type: 'Double' | 'String' | 'Bool' }[];
}

const COLUMN: Record<FieldKind, { type: ColumnType; name: 'Double' | 'String' | 'Bool' }> = {
  number: { type: ColumnType.Double, name: 'Double' },
  string: { type: ColumnType.String, name: 'String' },
  boolean: { type: ColumnType.Bool, name: 'Bool' },
};

/** One header type per layer: a single GeoJSON type keeps it, Polygon + MultiPolygon (etc.) promote to the multi type. */
function headerGeometry(schema: LayerSchema): { type: GeometryType; name: string; multi: boolean } {
  const types = [...schema.types];
  if (types.length === 1) return { type: GeometryType[types[0] as keyof typeof GeometryType], name: types[0], multi: false };
  switch (schema.family) {
    case 'line':
      return { type: GeometryType.MultiLineString, name: 'MultiLineString', multi: true };
    case 'polygon':
      return { type: GeometryType.MultiPolygon, name: 'MultiPolygon', multi: true };
    default:
      // Point and MultiPoint are different families, so a mixed set is never a point family.
      return { type: GeometryType.Unknown, name: 'Unknown', multi: false };
  }
}

type ParsableGeometry = Parameters<typeof parseGeometry>[0];

/** Positions reduced to x, y: elevation is a property in Furrow, and a z on some features only would break the layer's layout. */
function flat2d(geometry: GeoJsonGeometry, promote: boolean): ParsableGeometry {
  const strip = (value: unknown): unknown => (typeof (value as unknown[])[0] === 'number' ? [(value as number[])[0], (value as number[])[1]] : (value as unknown[]).map(strip));
  const coordinates = strip(geometry.coordinates);
  if (promote && geometry.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [coordinates] } as ParsableGeometry;
  if (promote && geometry.type === 'LineString') return { type: 'MultiLineString', coordinates: [coordinates] } as ParsableGeometry;
  return { type: geometry.type, coordinates } as ParsableGeometry;
}

/**
 * Converts a GeoJSON FeatureCollection (WGS84), or a layer of an operation's table, into a FlatGeobuf file (EPSG:4326), streaming:
 * the first pass learns the columns and count the header declares, the second encodes one
 * feature at a time with flatgeobuf's own builders. The package's `geojson.serialize` holds the
 * whole collection and every encoded feature in memory, so it is used only for small layers.
 * No spatial index is written (that needs every feature's extent before the first feature);
 * GDAL and flatgeobuf read such files, sequentially.
 */
export async function exportFlatGeobuf(input: string | FeatureSource, outPath: string): Promise<FlatGeobufExport> {
  const source = asFeatureSource(input);
  return withInput(source.label, async () => {
    const scanner = new SchemaScanner();
    let nullGeometry = 0;
    for await (const feature of source.features()) {
      scanner.add(feature);
      if (feature.geometry === null) nullGeometry++;
    }
    const schema = scanner.result();
    const count = schema.featureCount - nullGeometry;
    if (count === 0) throw new ExportError('no features with a geometry to export');
    const geometry = headerGeometry(schema);
    const kinds = schema.fields.map(fieldKind);
    const columns: ColumnMeta[] = schema.fields.map((field, index) => ({
      name: field.name,
      type: COLUMN[kinds[index]].type,
      title: null,
      description: null,
      width: -1,
      precision: -1,
      scale: -1,
      nullable: true,
      unique: false,
      primary_key: false,
    }));
    const header: HeaderMeta = {
      geometryType: geometry.type,
      columns: columns.length > 0 ? columns : null,
      envelope: null,
      featuresCount: count,
      indexNodeSize: 0,
      crs: null,
      title: null,
      description: null,
      metadata: null,
    };

    const out = await FileSink.create(outPath);
    let written = 0;
    try {
      await out.write(magicbytes);
      await out.write(buildHeader(header, 4326));
      for await (const feature of source.features()) {
        if (feature.geometry === null) continue;
        const properties: Record<string, JsonValue> = {};
        schema.fields.forEach((field, index) => {
          const value = feature.properties?.[field.name] ?? null;
          // buildFeature skips only null; a number column must not meet NaN/Infinity turned null by JSON, nor text.
          properties[field.name] =
            value === null ? null : kinds[index] === 'string' ? valueAsText(value) : kinds[index] === 'number' && typeof value !== 'number' ? null : value;
        });
        await out.write(buildFeature(parseGeometry(flat2d(feature.geometry, geometry.multi)), properties, header));
        written++;
      }
    } finally {
      await out.close();
    }
    if (written !== count) throw new ExportError('the input changed while it was being exported');
    return {
      featureCount: count,
      skippedNullGeometry: nullGeometry,
      geometryType: geometry.name,
      bbox: schema.bbox,
      columns: schema.fields.map((field, index) => ({ name: field.name, type: COLUMN[kinds[index]].name })),
    };
  });
}
