/**
 * One operation's columnar table (GeoParquet 1.1) and the layers made from it on request:
 * TableWriter while converting, TableReader for the passes that read columns back, the GeoJSON
 * and GeoParquet views for downloads.
 */
export { TableWriter, ROW_GROUP_ROWS, type TableRows, type TableSummary } from './writer.ts';
export { TableReader, TableFileError, type RowFilter, type TableBatch, type TableSelection } from './reader.ts';
export { type TableSchema, type TableContents, type TableMetadata } from './schema.ts';
export { availableGeoJsonLayers, GEOJSON_LAYERS, geoJsonViewLength, openGeoJsonView, type GeoJsonLayer, type GeoJsonViewOptions } from './geojson-view.ts';
export { GEOPARQUET_VIEWS, openGeoParquetView, writeGeoParquetView, type GeoParquetLayer, type GeoParquetViewMetadata } from './geoparquet-view.ts';
