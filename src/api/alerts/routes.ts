import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EventRegisteredTwiceError } from '../../store/types.ts';
import { ownerOf } from '../auth.ts';
import { Uuid } from '../batches/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest, notFound, problemResponses } from '../problem.ts';
import { FailedCallsJson, NewWebhook, WebhookJson, failedCallJson, webhookJson } from './schemas.ts';

const tags = ['alerts'];
const IdParams = Type.Object({ id: Uuid });

/** Webhook subscriptions (leaf-api.md §11) under /services/alerts/api/alerts. */
export const alertRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.post(
    '/webhooks',
    { schema: { tags, operationId: 'createWebhook', summary: 'Register a webhook', body: NewWebhook, response: { 200: WebhookJson, ...problemResponses } } },
    async (request) => {
      const owner = ownerOf(request);
      const { events, name, secret, url } = request.body;
      let webhook;
      try {
        // The store refuses an event another webhook of the owner holds, atomically: no check here that a concurrent registration could slip past.
        webhook = await store.createWebhook({ id: randomUUID(), ownerId: owner.id, name, url, secret, events, createdTime: new Date().toISOString() });
      } catch (error) {
        if (error instanceof EventRegisteredTwiceError) throw badRequest(error.message, 'eventRegisteredTwice', 'webhook');
        throw error;
      }
      // The confirmation call must not hold the answer up (the receiver may be slow); delivery problems land in failed-calls.
      deps.confirmWebhook(webhook).catch((error: unknown) => request.log.warn({ err: error, webhookId: webhook.id }, 'webhook confirmation failed'));
      return webhookJson(webhook);
    },
  );

  app.get('/webhooks', { schema: { tags, operationId: 'listWebhooks', summary: 'List webhooks', response: { 200: Type.Array(WebhookJson), ...problemResponses } } }, async (request) =>
    (await store.listWebhooks(ownerOf(request).id)).map(webhookJson),
  );

  app.get('/webhooks/failed-calls', { schema: { tags, operationId: 'listFailedCalls', summary: 'Deliveries that failed', response: { 200: FailedCallsJson, ...problemResponses } } }, async (request) => {
    const owner = ownerOf(request);
    return { items: (await store.listFailedCalls(owner.id)).map((c) => failedCallJson(c, owner.username)) };
  });

  app.get('/webhooks/:id', { schema: { tags, operationId: 'getWebhook', summary: 'Get a webhook', params: IdParams, response: { 200: WebhookJson, ...problemResponses } } }, async (request) => {
    const webhook = await store.getWebhook(ownerOf(request).id, request.params.id);
    if (!webhook) throw notFound('Webhook');
    return webhookJson(webhook);
  });

  app.delete(
    '/webhooks/:id',
    { schema: { tags, operationId: 'deleteWebhook', summary: 'Delete a webhook', params: IdParams, response: { 204: Type.Null({ description: 'deleted' }), ...problemResponses } } },
    async (request, reply) => {
      if (!(await store.deleteWebhook(ownerOf(request).id, request.params.id))) throw notFound('Webhook');
      return reply.code(204).send(null);
    },
  );
};
