import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPI3 } from 'openapi-typescript';
import { buildApp } from '../../../src/api/app.ts';
import { loadConfig, resolveJwtSecret } from '../../../src/config.ts';
import { openServices } from '../../../src/services.ts';

/** The OpenAPI document a Furrow server of this checkout serves (an in-process app on a throwaway data folder), or the one at `url`. */
export async function liveDocument(url?: string): Promise<OpenAPI3> {
  if (url) {
    const response = await fetch(new URL('/openapi.json', url));
    if (!response.ok) throw new Error(`${url}/openapi.json: ${response.status}`);
    return (await response.json()) as OpenAPI3;
  }
  const dir = await mkdtemp(join(tmpdir(), 'furrow-client-'));
  try {
    const config = await resolveJwtSecret(loadConfig({ FURROW_DATA_DIR: dir }));
    const services = await openServices(config);
    const app = await buildApp({ store: services.store, blobs: services.blobs, config });
    try {
      return (await app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenAPI3>();
    } finally {
      await app.close();
      await services.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
