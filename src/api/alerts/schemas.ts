import { Type, type Static } from 'typebox';
import { WEBHOOK_EVENTS, type FailedCall, type Webhook } from '../../store/types.ts';
import { Uuid } from '../batches/schemas.ts';

export const NewWebhook = Type.Object({
  events: Type.Array(Type.Enum([...WEBHOOK_EVENTS]), { minItems: 1, uniqueItems: true }),
  name: Type.String({ minLength: 1 }),
  secret: Type.String({ minLength: 1, description: 'key of the HMAC-SHA256 signature in X-Leaf-Signature' }),
  url: Type.String({ format: 'uri', pattern: '^https?://' }),
});
export type NewWebhookBody = Static<typeof NewWebhook>;

export const WebhookJson = Type.Object({ id: Uuid, ...NewWebhook.properties });

export const FailedCallsJson = Type.Object({
  items: Type.Array(
    Type.Object({
      apiOwner: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
      url: Type.String(),
      status: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the answer; null when none came' }),
      response: Type.Union([Type.String(), Type.Null()]),
      requestBody: Type.String(),
      connectionError: Type.Optional(Type.String()),
    }),
  ),
});
type FailedCallJson = Static<typeof FailedCallsJson>['items'][number];

export function webhookJson(webhook: Webhook): Static<typeof WebhookJson> {
  return { id: webhook.id, events: webhook.events, name: webhook.name, secret: webhook.secret, url: webhook.url };
}

export function failedCallJson(call: FailedCall, apiOwner: string): FailedCallJson {
  const json: FailedCallJson = { apiOwner, createdAt: call.createdAt, url: call.url, status: call.status, response: call.response, requestBody: call.requestBody };
  if (call.connectionError) json.connectionError = call.connectionError;
  return json;
}
