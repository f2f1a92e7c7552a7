/**
 * The page's view of the Furrow API: the typed client of clients/ts (openapi-fetch over the
 * server's own OpenAPI document) with the token kept in sessionStorage, plus the calls a browser
 * makes differently — an upload with byte progress (XMLHttpRequest; fetch reports none) and
 * downloads that need the bearer header saved through a blob URL.
 */
import { createFurrowClient, FurrowError, type Batch, type FileEntry, type FurrowClient, type Problem, type UploadProvider, type paths } from '../../clients/ts/src/index.ts';

export { FurrowError };
export type { Batch, FileEntry, UploadProvider };

export type LeafUser = paths['/services/usermanagement/api/users/{id}']['get']['responses'][200]['content']['application/json'];
export type FileQuery = NonNullable<paths['/services/operations/api/files']['get']['parameters']['query']>;
export type FileSteps = paths['/services/operations/api/files/{id}/status']['get']['responses'][200]['content']['application/json'];
export type ImageInfo = paths['/services/operations/api/files/{id}/images']['get']['responses'][200]['content']['application/json'][number];

export interface BatchFailure {
  path: string;
  reason: string;
}

const TOKEN_KEY = 'furrow.token';
const origin = window.location.origin;

let client: FurrowClient = createFurrowClient({ baseUrl: origin, token: sessionStorage.getItem(TOKEN_KEY) ?? undefined });

export function signedIn(): boolean {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

export async function signIn(username: string, password: string): Promise<void> {
  const fresh = createFurrowClient({ baseUrl: origin });
  const token = await fresh.authenticate(username, password);
  sessionStorage.setItem(TOKEN_KEY, token);
  client = fresh;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  client = createFurrowClient({ baseUrl: origin });
}

function token(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** An answer's data, or its problem as a FurrowError (a 401 also forgets the token, so the page asks to sign in again). */
function data<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.response.status === 401) signOut();
  if (answer.data === undefined) throw new FurrowError(answer.response.status, answer.error as Problem | undefined);
  return answer.data;
}

export async function listUsers(): Promise<LeafUser[]> {
  return data(await client.GET('/services/usermanagement/api/users', { params: { query: { size: 200 } } }));
}

export async function createUser(name: string, email?: string): Promise<LeafUser> {
  return data(await client.POST('/services/usermanagement/api/users', { body: { name, ...(email ? { email } : {}) } }));
}

export async function listBatches(page = 0, size = 20): Promise<Batch[]> {
  return data(await client.GET('/services/operations/api/batch', { params: { query: { page, size } } }));
}

export async function getBatch(id: string): Promise<Batch> {
  return data(await client.GET('/services/operations/api/batch/{id}', { params: { path: { id } } }));
}

export async function retryBatch(id: string): Promise<Batch> {
  return data(await client.PUT('/services/operations/api/batch/{id}/retry', { params: { path: { id } } }));
}

/** Every failure of a batch (GET /batch/{id}/failures is newer than the generated schema, so a plain fetch). */
export async function batchFailures(id: string): Promise<BatchFailure[]> {
  const response = await fetch(`/services/operations/api/batch/${encodeURIComponent(id)}/failures?size=1000`, { headers: { authorization: `Bearer ${token()}` } });
  if (!response.ok) throw new FurrowError(response.status, (await response.json().catch(() => undefined)) as Problem | undefined);
  return (await response.json()) as BatchFailure[];
}

export interface FilePage {
  files: FileEntry[];
  /** X-Total-Count: every file the filters match. */
  total: number;
}

export async function listFiles(query: FileQuery): Promise<FilePage> {
  const answer = await client.GET('/services/operations/api/files', { params: { query } });
  const body = data(answer) as { operations: FileEntry[] } | FileEntry[];
  // Leaf answers {operations:[...]}; older Furrow servers a bare array.
  const files = Array.isArray(body) ? body : body.operations;
  const total = Number(answer.response.headers.get('X-Total-Count') ?? files.length);
  return { files, total };
}

export async function getFile(id: string): Promise<FileEntry> {
  return data(await client.GET('/services/operations/api/files/{id}', { params: { path: { id } } }));
}

export async function fileUnits(id: string): Promise<Record<string, string>> {
  return data(await client.GET('/services/operations/api/files/{id}/units', { params: { path: { id } } }));
}

export async function fileSteps(id: string): Promise<FileSteps> {
  return data(await client.GET('/services/operations/api/files/{id}/status', { params: { path: { id } } }));
}

export async function fileImages(id: string): Promise<ImageInfo[]> {
  return data(await client.GET('/services/operations/api/files/{id}/images', { params: { path: { id } } }));
}

export async function mergeFiles(ids: string[]): Promise<{ id: string; status: string }> {
  return data(await client.POST('/services/operations/api/files/merge', { body: { ids } }));
}

/** GeoJSON from the API under the bearer token (map points, coverage). */
export async function geojson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
  if (!response.ok) throw new FurrowError(response.status, (await response.json().catch(() => undefined)) as Problem | undefined);
  return (await response.json()) as T;
}

/** A `download*` link: it needs the bearer header, so it is fetched and handed to the browser as a blob URL to save. */
export async function downloadWithToken(url: string, fallbackName: string): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token()}` } });
  if (!response.ok) throw new FurrowError(response.status, (await response.json().catch(() => undefined)) as Problem | undefined);
  const disposition = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '');
  const href = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = disposition?.[1] ?? fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download; the URL can go once the event loop turns.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** POST /batch with a zip, reporting bytes sent as they go (XMLHttpRequest upload progress). */
export function uploadBatch(file: File, leafUserId: string, provider: UploadProvider, onProgress: (sent: number, total: number) => void): Promise<Batch> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ leafUserId, provider });
    xhr.open('POST', `/services/operations/api/batch?${query}`);
    xhr.setRequestHeader('authorization', `Bearer ${token()}`);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    xhr.addEventListener('load', () => {
      if (xhr.status === 201 || xhr.status === 200) resolve(xhr.response as Batch);
      else reject(new FurrowError(xhr.status, (xhr.response ?? undefined) as Problem | undefined));
    });
    xhr.addEventListener('error', () => reject(new Error('the upload was interrupted (network error)')));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export function describeError(error: unknown): string {
  if (error instanceof FurrowError) return `${error.message} (HTTP ${error.status})`;
  return error instanceof Error ? error.message : String(error);
}
