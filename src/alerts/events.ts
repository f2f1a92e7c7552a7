import type { MetadataStore, WebhookEvent } from '../store/types.ts';
import { pythonJson } from './python-json.ts';

/** What a deliverWebhook job carries: the exact body, so that every retry sends (and signs) the same bytes. */
export interface DeliveryPayload {
  webhookId: string;
  ownerId: string;
  event: WebhookEvent;
  body: string;
  /** Retries already scheduled (0 for the first delivery). */
  retry?: number;
  /** When the first delivery failed: the retry schedule counts from there. */
  firstFailureAt?: string;
}

/** Leaf's event time format, `yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'` (microseconds; ours are whole milliseconds). */
export function leafTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, -1)}000Z`;
}

/** The body Leaf sends for an event: its keys, then `timestamp` and `type`, as in Leaf's sample. */
export function eventBody(event: WebhookEvent, body: object, date: Date = new Date()): string {
  return pythonJson({ ...body, timestamp: leafTimestamp(date), type: event });
}

/** Queues one delivery per webhook of the owner subscribed to `event`; returns how many. */
export async function emitEvent(store: MetadataStore, ownerId: string, event: WebhookEvent, body: object): Promise<number> {
  const webhooks = (await store.listWebhooks(ownerId)).filter((w) => w.events.includes(event));
  if (webhooks.length === 0) return 0;
  const text = eventBody(event, body);
  for (const webhook of webhooks) {
    const payload: DeliveryPayload = { webhookId: webhook.id, ownerId, event, body: text };
    await store.enqueue('deliverWebhook', { ...payload });
  }
  return webhooks.length;
}
