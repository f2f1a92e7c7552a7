import { createHmac } from 'node:crypto';

/** Leaf's `X-Leaf-Signature`: base64 of the HMAC-SHA256 of the raw body, keyed with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export interface PostOutcome {
  ok: boolean;
  /** HTTP status, or null when no response came. */
  status: number | null;
  response: string | null;
  connectionError: string | null;
}

/** Receivers are expected to answer at once (Leaf's advice); a slow one holds a delivery slot at most this long. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Kept of a receiver's answer for failed-calls: enough to read an error, not a whole page. */
const RESPONSE_LIMIT = 4096;

async function responseText(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < RESPONSE_LIMIT) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
}

function connectionError(error: Error, timeoutMs: number): string {
  if (error.name === 'TimeoutError') return `no response within ${timeoutMs / 1000} s`;
  // fetch() says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS failure, a port fetch refuses).
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  if (cause?.code) return `${cause.code}: ${cause.message}`;
  return cause?.message ? `${error.message}: ${cause.message}` : error.message;
}

/**
 * POSTs a signed JSON body. Any 2xx is a delivery; redirects are not followed (a webhook URL
 * must answer itself). Rejects only when `signal` aborts; every other problem is an outcome.
 */
export async function postSigned(url: string, secret: string, body: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PostOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-leaf-signature': signature(secret, body) },
      body,
      redirect: 'manual',
      signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
    });
    const text = await responseText(response);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, response: text, connectionError: null };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { ok: false, status: null, response: null, connectionError: connectionError(error as Error, timeoutMs) };
  }
}
