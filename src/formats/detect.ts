import { DRIVERS } from './registry.ts';
import type { ArchiveEntry, Dataset, Driver } from './types.ts';

/**
 * Asks each driver, in registry order, to claim datasets among the entries. An entry that a
 * dataset already claimed is not offered to later drivers, so one file never yields two datasets.
 */
export async function detectDatasets(entries: readonly ArchiveEntry[], drivers: readonly Driver[] = DRIVERS): Promise<Dataset[]> {
  const claimed = new Set<ArchiveEntry>();
  const datasets: Dataset[] = [];
  for (const driver of drivers) {
    const free = entries.filter((e) => !claimed.has(e));
    for (const dataset of await driver.detect(free)) {
      datasets.push(dataset);
      for (const entry of dataset.entries.values()) claimed.add(entry);
    }
  }
  return datasets;
}
