import { TimestampFormatter } from '../geojson-writer.ts';
import { geoJsonLayerPlan, type GeoJsonLayer } from '../table/geojson-view.ts';
import { TableReader } from '../table/reader.ts';
import type { FeatureSource } from './feature-source.ts';
import type { GeoJsonFeature, JsonValue } from './geojson-source.ts';

const round = (value: number, scale: number) => Math.round(value * scale) / scale;

/**
 * A layer of an operation's table as export features: the same Features, properties and numbers
 * as the layer's GeoJSON view gives (coordinates to 1e-7°, values to 6 decimals, missing values
 * left out, ISO times), built from the columns without writing or parsing any GeoJSON.
 */
export function tableLayerSource(tablePath: string, layer: GeoJsonLayer): FeatureSource {
  return {
    label: tablePath,
    async *features(): AsyncGenerator<GeoJsonFeature> {
      const table = await TableReader.open(tablePath);
      try {
        const { selection, layout, part, annotated } = geoJsonLayerPlan(table.metadata, layer);
        const time = new TimestampFormatter();
        for await (const batch of table.batches(selection)) {
          const points = part === 'raw' ? batch.raw : batch.std;
          const numbers = layout.numbers.map((key) => [key, points.numbers.get(key)] as const);
          const strings = layout.strings.map((key) => [key, points.strings.get(key)] as const);
          for (let i = 0; i < batch.length; i++) {
            const properties: Record<string, JsonValue> = { [layout.timeKey]: time.format(points.time[i]!) };
            for (const [key, values] of numbers) {
              const v = values?.[i];
              if (v !== undefined && Number.isFinite(v)) properties[key] = round(v, 1e6);
            }
            for (const [key, values] of strings) {
              const v = values?.[i];
              if (v !== undefined && v !== null) properties[key] = v;
            }
            for (const [key, value] of layout.constants ?? []) properties[key] = value;
            if (annotated) properties.removedBy = batch.removedBy![i] ?? null;
            yield { type: 'Feature', geometry: { type: 'Point', coordinates: [round(points.lon[i]!, 1e7), round(points.lat[i]!, 1e7)] }, properties };
          }
        }
      } finally {
        await table.close();
      }
    },
  };
}
