import { PermanentJobError, type JobHandler } from '../jobs/runner.ts';
import { orderedId } from '../store/ordered-id.ts';
import type { Job, MetadataStore, Webhook } from '../store/types.ts';
import type { DeliveryPayload } from './events.ts';
import { postSigned, type PostOutcome } from './post.ts';
import { pythonJson } from './python-json.ts';

/** Leaf retries a failed delivery 1, 30, 60 and 240 minutes after the failure (leaf-api.md §11). */
export const DEFAULT_RETRY_MINUTES: readonly number[] = [1, 30, 60, 240];

export interface DeliveryOptions {
  store: MetadataStore;
  /** Minutes after the first failure at which delivery is tried again; then it is given up. */
  retryMinutes?: readonly number[];
  timeoutMs?: number;
}

function payloadOf(job: Job): DeliveryPayload {
  const p = job.payload;
  if (typeof p.webhookId !== 'string' || typeof p.ownerId !== 'string' || typeof p.event !== 'string' || typeof p.body !== 'string') {
    throw new PermanentJobError('malformed deliverWebhook payload: webhookId, ownerId, event and body are required');
  }
  return p as unknown as DeliveryPayload;
}

async function recordFailure(store: MetadataStore, webhook: Webhook, body: string, outcome: PostOutcome): Promise<void> {
  await store.recordFailedCall({
    id: orderedId(),
    ownerId: webhook.ownerId,
    webhookId: webhook.id,
    createdAt: new Date().toISOString(),
    url: webhook.url,
    status: outcome.status,
    response: outcome.response,
    requestBody: body,
    connectionError: outcome.connectionError,
  });
}

/**
 * Runs deliverWebhook jobs: POSTs the stored body, signed. A failure is recorded in
 * failed-calls and the delivery queued again as a new job at the next point of the schedule
 * (counted from the first failure), until the schedule is used up.
 */
export function deliverWebhookHandler(options: DeliveryOptions): JobHandler {
  const { store } = options;
  const schedule = options.retryMinutes ?? DEFAULT_RETRY_MINUTES;
  return {
    async run(job, signal) {
      const payload = payloadOf(job);
      // A webhook deleted since the event was queued gets nothing.
      const webhook = await store.getWebhook(payload.ownerId, payload.webhookId);
      if (!webhook) return;
      const outcome = await postSigned(webhook.url, webhook.secret, payload.body, { timeoutMs: options.timeoutMs, signal });
      if (outcome.ok) return;
      await recordFailure(store, webhook, payload.body, outcome);
      const retry = payload.retry ?? 0;
      const reason = outcome.status === null ? (outcome.connectionError ?? 'no response') : `HTTP ${outcome.status}`;
      if (retry >= schedule.length) throw new PermanentJobError(`webhook delivery given up after ${retry + 1} attempts (last: ${reason})`);
      const firstFailureAt = payload.firstFailureAt ?? new Date().toISOString();
      const runAfter = new Date(Date.parse(firstFailureAt) + schedule[retry]! * 60_000).toISOString();
      const next: DeliveryPayload = { ...payload, retry: retry + 1, firstFailureAt };
      await store.enqueue('deliverWebhook', { ...next }, runAfter);
    },
  };
}

/** The call Leaf makes to a newly registered webhook. Best effort: rejects with the reason when it was not accepted, for the caller to log. */
export async function confirmRegistration(webhook: Webhook, options: { timeoutMs?: number } = {}): Promise<void> {
  const outcome = await postSigned(webhook.url, webhook.secret, pythonJson({ message: 'confirmation of webhook upon registration' }), options);
  if (!outcome.ok) throw new Error(`webhook ${webhook.id} did not accept the confirmation call: ${outcome.status === null ? outcome.connectionError : `HTTP ${outcome.status}`}`);
}
