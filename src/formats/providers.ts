import type { Driver } from './types.ts';

/** Leaf's `provider` values (leaf-api.md §8). `Other` (and `Leaf`, for files Leaf made) mean "detect everything". */
export const PROVIDERS = ['Other', 'Leaf', 'ClimateFieldView', 'CNHI', 'JohnDeere', 'Trimble', 'AgLeader', 'Farmobile', 'PrecisionPlanting'] as const;
export type Provider = (typeof PROVIDERS)[number];

const DETECT_ALL: ReadonlySet<string> = new Set(['Other', 'Leaf']);

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

/**
 * The drivers an upload for `provider` is read with: that provider's own formats plus the open
 * ones every provider exports (ISOXML, shapefiles), or all of them for `Other`.
 */
export function driversForProvider(drivers: readonly Driver[], provider: string | undefined): readonly Driver[] {
  if (provider === undefined || DETECT_ALL.has(provider)) return drivers;
  return drivers.filter((d) => d.providers === undefined || d.providers.includes(provider));
}

/** Whether a driver runs only because the upload names one of its providers (it is not an open format). */
export function isProviderSpecific(driver: Driver): boolean {
  return driver.providers !== undefined;
}
