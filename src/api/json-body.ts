import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies as fastify parses them (prototype-poisoning checks included), except that an empty
 * body is no body: many HTTP clients send `Content-Type: application/json` on every request,
 * a DELETE or a bodiless PUT too, and Leaf accepts those. A route that needs a body still answers
 * 400 through its schema.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    return parse(request, text, done);
  });
}
