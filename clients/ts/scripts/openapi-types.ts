import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/** The TypeScript declarations of an OpenAPI document, as committed in clients/ts/src/schema.ts. */
export async function openapiTypes(document: OpenAPI3, version: string): Promise<string> {
  const ast = await openapiTS(document, { alphabetize: true });
  return `/*\n * Generated from Furrow ${version}'s /openapi.json by clients/ts/scripts/generate.ts (openapi-typescript).\n * Do not edit: run \`npm run client:generate\` after changing a route's schema.\n */\n\n${astToString(ast)}`;
}
