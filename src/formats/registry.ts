import { isoxmlDriver } from './isoxml/driver.ts';
import type { Driver } from './types.ts';

/** Every input-format driver, in the order they are asked to claim datasets. Adding a format = one folder + one line here. */
export const DRIVERS: readonly Driver[] = [isoxmlDriver];
