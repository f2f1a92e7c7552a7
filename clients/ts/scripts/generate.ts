/**
 * Regenerates clients/ts/src/schema.ts from the API's OpenAPI document:
 *
 *   npm run client:generate                # the document of this checkout (an in-process server)
 *   npm run client:generate -- --url http://127.0.0.1:8080   # a running server's
 *
 * test/clients/ts-client.test.ts fails when the committed file and the live document drift apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { liveDocument } from './live-document.ts';
import { openapiTypes } from './openapi-types.ts';

const { values } = parseArgs({ options: { url: { type: 'string' } } });
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const target = new URL('../src/schema.ts', import.meta.url);
await writeFile(target, await openapiTypes(await liveDocument(values.url), version));
console.log(`wrote ${target.pathname}`);
