/** GIS exports of Furrow's GeoJSON outputs or table layers (points or coverage polygons), for `furrow convert --format`. */
export { exportShapefile, type ShapefileExport, type ShapefileOptions } from './shapefile.ts';
export { exportFlatGeobuf, type FlatGeobufExport } from './flatgeobuf.ts';
export { ExportError } from './errors.ts';
export { geoJsonFileSource, type FeatureSource } from './feature-source.ts';
export { tableLayerSource } from './table-source.ts';
