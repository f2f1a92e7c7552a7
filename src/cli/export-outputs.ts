import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFlatGeobuf, exportShapefile } from '../convert/export/index.ts';
import { tableLayerSource } from '../convert/export/table-source.ts';
import type { FeatureSource } from '../convert/export/feature-source.ts';
import { OUTPUT_FILES } from '../pipeline.ts';

export const EXPORT_FORMATS = ['geojson', 'shapefile', 'flatgeobuf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The point and polygon layers a desktop GIS user wants, by their GeoJSON file; the point layers are read from the table when their file was not written. */
const LAYERS = [OUTPUT_FILES.standard, OUTPUT_FILES.filtered, OUTPUT_FILES.coverage] as const;
const TABLE_LAYERS: Partial<Record<(typeof LAYERS)[number], 'standard' | 'filtered'>> = { [OUTPUT_FILES.standard]: 'standard', [OUTPUT_FILES.filtered]: 'filtered' };

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Writes the operation's standard, filtered and coverage layers in `format` beside their GeoJSON
 * (`standard.shp.zip`, `standard.fgb`, ...). Returns one message per layer that could not be
 * exported; GeoJSON, the native format, needs nothing.
 */
export async function exportOperation(dir: string, format: ExportFormat): Promise<string[]> {
  if (format === 'geojson') return [];
  const problems: string[] = [];
  for (const layer of LAYERS) {
    const file = join(dir, layer);
    const tableLayer = TABLE_LAYERS[layer];
    let source: string | FeatureSource;
    if (await exists(file)) source = file;
    else if (tableLayer && (await exists(join(dir, OUTPUT_FILES.table)))) source = tableLayerSource(join(dir, OUTPUT_FILES.table), tableLayer);
    else continue;
    const base = layer.replace(/\.geojson$/, '');
    try {
      if (format === 'shapefile') await exportShapefile(source, join(dir, `${base}.shp.zip`), { layerName: base });
      // coverage.fgb is written by the pipeline already.
      else if (layer !== OUTPUT_FILES.coverage) await exportFlatGeobuf(source, join(dir, `${base}.fgb`));
    } catch (error) {
      problems.push(`${layer} could not be exported as ${format}: ${(error as Error).message}`);
    }
  }
  return problems;
}
