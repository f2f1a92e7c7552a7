import { readFileSync } from 'node:fs';

/** Furrow's version, stamped into every output so that a result can be traced to the code that made it. */
export const FURROW_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
