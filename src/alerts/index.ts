export { emitEvent, eventBody, leafTimestamp, type DeliveryPayload } from './events.ts';
export { confirmRegistration, deliverWebhookHandler, DEFAULT_RETRY_MINUTES, type DeliveryOptions } from './deliver.ts';
export { pythonJson } from './python-json.ts';
export { signature } from './post.ts';
