import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The shared sample files live beside the repository (`../shared/samples`); tests read them in
 * place and never copy them. FURROW_SAMPLES overrides the location.
 */
export const SAMPLES = process.env.FURROW_SAMPLES ?? resolve(import.meta.dirname, '../../../shared/samples');

if (!existsSync(SAMPLES)) throw new Error(`sample folder not found at ${SAMPLES}; set FURROW_SAMPLES`);

export function sample(...parts: string[]): string {
  return join(SAMPLES, ...parts);
}
