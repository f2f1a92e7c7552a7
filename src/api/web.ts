import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ApiDeps } from './deps.ts';

/** The web app's sources, relative to this file: `web/` at the repository root. */
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

/** What the page needs to know of the server's settings, handed over in index.html. */
export interface WebConfig {
  /** Raster tile URL template ({z}/{x}/{y}) of an optional basemap; null = no basemap, no request leaves this server. */
  basemapUrl: string | null;
}

interface Bundle {
  js: Buffer;
  css: Buffer;
  worker: Buffer;
}

let building: Promise<Bundle> | undefined;

/**
 * Bundles web/src/main.ts (the app, MapLibre and their CSS) with esbuild into memory, once per
 * process and only when the page is first asked for: `npm ci && npm start` serves the app without a
 * build step or built files to keep in sync, and the API tests that never open the page pay nothing.
 * MapLibre's worker is already a bundle of its own: it is served as shipped.
 */
function bundle(): Promise<Bundle> {
  building ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [`${WEB_DIR}src/main.ts`],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      outdir: `${WEB_DIR}out`,
      entryNames: 'app',
      logLevel: 'silent',
    });
    const file = (ext: string) => {
      const found = result.outputFiles.find((f) => f.path.endsWith(ext));
      if (!found) throw new Error(`the web bundle has no ${ext} output`);
      return Buffer.from(found.contents);
    };
    const require = createRequire(import.meta.url);
    const worker = await readFile(require.resolve('maplibre-gl/dist/maplibre-gl-worker.mjs'));
    return { js: file('.js'), css: file('.css'), worker };
  })();
  // A failed build is tried again on the next request rather than cached.
  building.catch(() => (building = undefined));
  return building;
}

/** The page's Content-Security-Policy: its own scripts, styles and API only, plus the basemap's host when one is set. */
function contentSecurityPolicy(config: WebConfig): string {
  const tiles = config.basemapUrl ? ` ${new URL(config.basemapUrl.replace(/[{}]/g, '')).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // MapLibre and the app set element styles from script.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data:${tiles}`,
    `connect-src 'self'${tiles}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function escapeJsonForHtml(value: unknown): string {
  // Inside <script type="application/json"> only "</script" could end the element early.
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The web app (README, "Web app"): `/` and its assets under `/web/`, no sign-in needed to load them (the API calls need it). */
export const webRoutes: FastifyPluginAsync<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config: WebConfig = { basemapUrl: deps.config.basemapUrl ?? null };
  const csp = contentSecurityPolicy(config);
  const page = (await readFile(`${WEB_DIR}index.html`, 'utf8')).replace('{{config}}', escapeJsonForHtml(config));

  const send = (reply: FastifyReply, type: string, body: Buffer | string) =>
    // Always revalidated: a new version of the server may serve a new bundle under the same name.
    reply.type(type).header('Cache-Control', 'no-cache').header('X-Content-Type-Options', 'nosniff').send(body);

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    await bundle();
    return send(reply.header('Content-Security-Policy', csp).header('Referrer-Policy', 'no-referrer'), 'text/html; charset=utf-8', page);
  });
  app.get('/web/app.js', { schema: { hide: true } }, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', (await bundle()).js));
  app.get('/web/app.css', { schema: { hide: true } }, async (_request, reply) => send(reply, 'text/css; charset=utf-8', (await bundle()).css));
  app.get('/web/maplibre-gl-worker.mjs', { schema: { hide: true } }, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', (await bundle()).worker));
};
