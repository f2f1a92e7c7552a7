import type { LayerContext, LayerPlan } from '../plan.ts';
import { genericPlan } from './generic.ts';

/** `AgGPS/Data/<client>/<farm>/<field>/<task>/<layer>.shp` (FM-1000 guide §4; leaf-api.md §8). */
const AGGPS_PATH = /(?:^|\/)AgGPS\/Data\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/[^/]+\.shp$/i;

export function isTrimbleLayer(context: LayerContext): boolean {
  return AGGPS_PATH.test(context.shpPath);
}

/**
 * Trimble AgGPS displays write metric shapefiles and file them by client, farm, field and task.
 * Their documented track attributes are `Speed` (km/h), `Swath_wdth` (m), `UTC_Date` and
 * `UTC_Time` (formats.md §2.5, §6.4); their yield and rate names are not public, so the rates are
 * the ones Leaf recognises.
 */
export function trimblePlan(context: LayerContext): LayerPlan {
  const [, client, farm, field, task] = AGGPS_PATH.exec(context.shpPath)!;
  return genericPlan(context, {
    exporter: 'Trimble',
    system: 'metric',
    extra: { speed: ['Speed'], equipmentWidth: ['Swath_wdth', 'Swath_Wdth'], elevation: ['Height', 'Altitude'] },
    grower: client,
    farm,
    field,
    description: `${task}/${context.baseName}`,
    unitReason: 'Trimble AgGPS shapefile: displays write metric units',
  });
}
