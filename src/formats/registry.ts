import { agLeaderNativeDriver } from './agleader-native/driver.ts';
import { agLeaderTextDriver } from './agleader-text/driver.ts';
import { climateDriver } from './climate/driver.ts';
import { cnhiDriver } from './cnhi/driver.ts';
import { geojsonDriver } from './geojson/driver.ts';
import { isoxmlDriver } from './isoxml/driver.ts';
import { jdGen4Driver } from './jd-gen4/driver.ts';
import { jdGreenStarDriver } from './jd-greenstar/driver.ts';
import { precisionPlanting2020Driver } from './precision-planting/driver.ts';
import { shapefileDriver } from './shapefile/driver.ts';
import { trimbleAgDataDriver } from './trimble-agdata/driver.ts';
import type { Driver } from './types.ts';

/**
 * Every input-format driver, in the order they are asked to claim datasets (an entry claimed by
 * one is not offered to the next). Content-checked formats with a strong signature come first,
 * GeoJSON, the most generic, last.
 * Adding a format = one folder + one line here.
 */
export const DRIVERS: readonly Driver[] = [isoxmlDriver, jdGreenStarDriver, jdGen4Driver, climateDriver, trimbleAgDataDriver, cnhiDriver, agLeaderNativeDriver, precisionPlanting2020Driver, shapefileDriver, agLeaderTextDriver, geojsonDriver];
