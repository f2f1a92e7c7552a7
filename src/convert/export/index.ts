/** GIS exports of Furrow's GeoJSON outputs (points or coverage polygons), for `furrow convert --format`. */
export { exportShapefile, type ShapefileExport, type ShapefileOptions } from './shapefile.ts';
export { exportFlatGeobuf, type FlatGeobufExport } from './flatgeobuf.ts';
export { ExportError } from './errors.ts';
