import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/*
 * Errors as Problem JSON (RFC 7807) the way Leaf's JHipster stack writes them: `type`, `title`,
 * `status`, `detail`, `path`, and JHipster's `message` key (`error.http.<status>`,
 * `error.validation`, or `error.<errorKey>` for a named business rule).
 */

const PROBLEM_WITH_MESSAGE = 'https://www.jhipster.tech/problem/problem-with-message';
const CONSTRAINT_VIOLATION = 'https://www.jhipster.tech/problem/constraint-violation';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    path: Type.String(),
    message: Type.String(),
    errorKey: Type.Optional(Type.String()),
    entityName: Type.Optional(Type.String()),
    params: Type.Optional(Type.String()),
    fieldErrors: Type.Optional(Type.Array(Type.Object({ objectName: Type.String(), field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 7807 problem, JHipster flavour' },
);

/** A problem response: the shared schema referred to (the OpenAPI document holds it once), under its own media type. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref('Problem') } } };
}

/** Error responses of a protected route, for the OpenAPI document. */
export const problemResponses = {
  400: problemResponse('Bad Request: invalid parameters or body'),
  401: problemResponse('Unauthorized: missing, invalid or expired bearer token'),
  404: problemResponse('Not Found (also for another API owner’s resources)'),
};

/** An error with a status the client should see as it is. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { errorKey?: string; entityName?: string } = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errorKey?: string, entityName?: string) => new ApiProblem(400, detail, { errorKey, entityName });
/** Also used for another owner's resources: they must look exactly like missing ones. */
export const notFound = (what: string) => new ApiProblem(404, `${what} not found`);
export const unauthorized = (detail = 'Full authentication is required to access this resource') => new ApiProblem(401, detail);

function body(request: FastifyRequest, status: number, detail: string | undefined, extra: ApiProblem['extra'] = {}) {
  const problem: Record<string, unknown> = {
    type: PROBLEM_WITH_MESSAGE,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    path: request.url.split('?')[0],
    message: extra.errorKey ? `error.${extra.errorKey}` : `error.http.${status}`,
  };
  if (extra.errorKey) Object.assign(problem, { errorKey: extra.errorKey, entityName: extra.entityName, params: extra.entityName });
  return problem;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, detail?: string, extra?: ApiProblem['extra']): FastifyReply {
  return reply.code(status).type('application/problem+json').send(body(request, status, detail, extra));
}

function validationProblem(request: FastifyRequest, error: FastifyError) {
  const where = error.validationContext ?? 'request';
  const fieldErrors = (error.validation ?? []).map((v) => ({
    objectName: where,
    field: (v.instancePath.replace(/^\//, '').replace(/\//g, '.') || (typeof v.params.missingProperty === 'string' ? v.params.missingProperty : '')) || where,
    message: v.message ?? 'invalid',
  }));
  return { ...body(request, 400, `${where}: ${error.message.replace(/^(body|querystring|params|headers)\/?/, '')}`.trim()), type: CONSTRAINT_VIOLATION, title: 'Method argument not valid', message: 'error.validation', fieldErrors };
}

/** Status codes of framework errors that Leaf answers differently. */
const STATUS_BY_CODE: Record<string, number> = {
  // Leaf answers a bad upload (not multipart, too many parts, ...) with 400.
  FST_INVALID_MULTIPART_CONTENT_TYPE: 400,
  FST_FILES_LIMIT: 400,
  FST_PARTS_LIMIT: 400,
  FST_FIELDS_LIMIT: 400,
  FST_REQ_FILE_TOO_LARGE: 400,
};

export function installErrorHandlers(app: FastifyInstance): void {
  app.addSchema(ProblemSchema);
  app.setErrorHandler((error: FastifyError | ApiProblem, request, reply) => {
    if (error instanceof ApiProblem) return sendProblem(request, reply, error.status, error.detail, error.extra);
    if (error.validation) return reply.code(400).type('application/problem+json').send(validationProblem(request, error));
    const status = STATUS_BY_CODE[error.code] ?? error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      // Internals (paths, SQL, stack) stay in the log.
      return sendProblem(request, reply, status, 'An unexpected error occurred; see the server log');
    }
    return sendProblem(request, reply, status, error.message);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`));
}
