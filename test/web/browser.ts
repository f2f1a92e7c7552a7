import { execFileSync } from 'node:child_process';
import type { Browser, BrowserContext } from 'playwright-core';

/** Debian's chromium on PATH (no browser download is possible here), or null: the browser tests then skip. */
export function findChromium(): string | null {
  try {
    const path = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    return path || null;
  } catch {
    return null;
  }
}

/** Headless Chromium with WebGL through SwiftShader (MapLibre needs it) and none of its own network traffic. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Lets through only requests to the server's own 127.0.0.1 address and records every other one
 * (aborted), so a test can assert that the page asked nothing of any other host.
 */
export async function onlyLocalRequests(context: BrowserContext, serverUrl: string): Promise<string[]> {
  const allowed = new URL(serverUrl).host;
  const elsewhere: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.host === allowed && url.hostname === '127.0.0.1') return route.continue();
    elsewhere.push(url.href);
    return route.abort('blockedbyclient');
  });
  return elsewhere;
}
