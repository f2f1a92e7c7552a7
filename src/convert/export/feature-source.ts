import { readGeoJsonFeatures, type GeoJsonFeature } from './geojson-source.ts';

/**
 * Where an export reads its features: a GeoJSON file or an operation's table. Exports read it
 * twice (a pass for the header, a pass for the records), so `features` starts afresh each call.
 */
export interface FeatureSource {
  /** Names the input in error messages (a path). */
  label: string;
  features(): AsyncIterable<GeoJsonFeature>;
}

/** A GeoJSON FeatureCollection file as a feature source. */
export function geoJsonFileSource(path: string): FeatureSource {
  return { label: path, features: () => readGeoJsonFeatures(path) };
}

/** A path is read as GeoJSON, as the exports always have. */
export function asFeatureSource(input: string | FeatureSource): FeatureSource {
  return typeof input === 'string' ? geoJsonFileSource(input) : input;
}
