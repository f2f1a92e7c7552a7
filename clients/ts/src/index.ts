import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };

/** A file entry (`GET /files`, `GET /files/{id}`). */
export type FileEntry = paths['/services/operations/api/files/{id}']['get']['responses'][200]['content']['application/json'];
/** A batch record (`POST /batch`, `GET /batch/{id}`). */
export type Batch = paths['/services/operations/api/batch/{id}']['get']['responses'][200]['content']['application/json'];
/** The problem JSON of every error answer. */
export type Problem = components['schemas']['Problem'];

/** Leaf's `provider` values an upload may name. */
export type UploadProvider = NonNullable<NonNullable<paths['/services/operations/api/batch']['post']['parameters']['query']>['provider']>;

export interface FurrowClientOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8080` (no path). */
  baseUrl: string;
  /** A bearer token from `authenticate` (or POST /api/authenticate). */
  token?: string;
  fetch?: (request: Request) => Promise<Response>;
}

export type FurrowClient = Client<paths> & {
  /** POST /api/authenticate; the token is then sent with every request of this client. */
  authenticate(username: string, password: string, rememberMe?: boolean): Promise<string>;
  /** POST /batch with a zip: multipart, `leafUserId` and `provider` as query parameters (as Leaf's documentation sends them). */
  uploadBatch(zip: Blob, fileName: string, leafUserId: string, provider?: UploadProvider): Promise<Batch>;
};

/** An error answer of the API, with its problem JSON. */
export class FurrowError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'FurrowError';
  }
}

/**
 * A typed client of the Furrow API: openapi-fetch over the generated `paths`, so every path,
 * parameter and answer is checked by TypeScript against the server's own OpenAPI document.
 */
export function createFurrowClient(options: FurrowClientOptions): FurrowClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  let token = options.token;
  client.use({
    onRequest({ request }) {
      if (token !== undefined && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  });
  return Object.assign(client, {
    async authenticate(username: string, password: string, rememberMe = false) {
      const { data, error, response } = await client.POST('/api/authenticate', { body: { username, password, rememberMe } });
      if (!data) throw new FurrowError(response.status, error as Problem | undefined);
      token = data.id_token;
      return token;
    },
    async uploadBatch(zip: Blob, fileName: string, leafUserId: string, provider: UploadProvider = 'Other') {
      const form = new FormData();
      form.append('file', zip, fileName);
      const { data, error, response } = await client.POST('/services/operations/api/batch', {
        params: { query: { leafUserId, provider } },
        // The generated body type describes the form's parts; the FormData goes as it is (fetch sets the boundary).
        body: form as unknown as NonNullable<paths['/services/operations/api/batch']['post']['requestBody']>['content']['multipart/form-data'],
        bodySerializer: (body) => body as unknown as FormData,
      });
      if (!data) throw new FurrowError(response.status, error as Problem | undefined);
      return data;
    },
  }) as FurrowClient;
}
