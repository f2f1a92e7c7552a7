/** A small JSON client over real HTTP, with the bearer token of one API owner. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const json = body !== undefined && !(body instanceof FormData);
    return fetch(this.baseUrl + path, {
      method,
      headers: this.headers(json ? { 'content-type': 'application/json', ...headers } : headers),
      body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as FormData),
      signal: AbortSignal.timeout(15_000),
    });
  }

  /** Sends a request and returns the parsed JSON, failing with the answer's text when the status is not the expected one. */
  async json<T>(method: string, path: string, body?: unknown, expectedStatus = 200): Promise<T> {
    const response = await this.request(method, path, body);
    const text = await response.text();
    if (response.status !== expectedStatus) throw new Error(`${method} ${path}: expected ${expectedStatus}, got ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async login(username: string, password: string, rememberMe: boolean | 'true' | 'false' = false): Promise<string> {
    const { id_token } = await this.json<{ id_token: string }>('POST', '/api/authenticate', { username, password, rememberMe });
    this.token = id_token;
    return id_token;
  }

  async createUser(name: string): Promise<{ id: string }> {
    return this.json('POST', '/services/usermanagement/api/users', { name, email: `${name.toLowerCase()}@example.com` }, 201);
  }

  /** POST /batch with the zip bytes; `fields` go as form fields before the file, `query` as query parameters. */
  upload(zip: Buffer, options: { query?: Record<string, string>; fields?: Record<string, string>; fileName?: string } = {}): Promise<Response> {
    const form = new FormData();
    for (const [key, value] of Object.entries(options.fields ?? {})) form.append(key, value);
    form.append('file', new Blob([zip], { type: 'application/zip' }), options.fileName ?? 'upload.zip');
    const query = new URLSearchParams(options.query ?? {}).toString();
    return this.request('POST', `/services/operations/api/batch${query ? `?${query}` : ''}`, form);
  }
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
