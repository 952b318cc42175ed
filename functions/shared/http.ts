// HTTP plumbing shared by every API handler: the middy chain, JSON bodies, problem+json errors (RFC 9457).
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { FieldError, Problem } from '#schema/problem';
import { Conflict, InvalidCursor, NotFound, Stale, VersionRequired } from '#app/errors';
import { ValidationError } from '#app/validation';
import { traceHandler } from './tracing.ts';
import { logger } from './logger.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(`${status} ${title}`);
    this.name = 'HttpError';
  }
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ValidationError) {
    return {
      type: 'https://dangol.dev/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: `${error.errors.length} field(s) are not valid`,
      errors: error.errors,
    };
  }
  if (error instanceof InvalidCursor) {
    const errors = [{ path: 'cursor', message: error.detail }];
    return {
      type: 'https://dangol.dev/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: '1 field(s) are not valid',
      errors,
    };
  }
  if (error instanceof NotFound)
    return { type: 'https://dangol.dev/problems/404', title: 'Not Found', status: 404, detail: error.detail };
  if (error instanceof Stale)
    return { type: 'https://dangol.dev/problems/412', title: 'Precondition Failed', status: 412, detail: error.detail };
  if (error instanceof VersionRequired) {
    return {
      type: 'https://dangol.dev/problems/428',
      title: 'Precondition Required',
      status: 428,
      detail: error.detail,
    };
  }
  if (error instanceof Conflict)
    return { type: 'https://dangol.dev/problems/409', title: 'Conflict', status: 409, detail: error.detail };
  if (error instanceof HttpError) {
    return {
      type: `https://dangol.dev/problems/${error.status}`,
      title: error.title,
      status: error.status,
      detail: error.detail,
      ...(error.errors && { errors: error.errors }),
    };
  }
  // Never leak internals: the log has the cause, the body only a generic line.
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'Something went wrong; try again later.',
  };
}

export function problemResponse(problem: Problem): HttpResult {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...SECURITY_HEADERS },
    body: JSON.stringify(problem),
  };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

export function html(statusCode: number, body: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
      ...SECURITY_HEADERS,
    },
    body,
  };
}

export function header(event: HttpEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function wantsHtml(event: HttpEvent): boolean {
  return (header(event, 'accept') ?? '').includes('text/html');
}

/** The JSON body, checked for media type and size before it is parsed. */
export function jsonBody(event: HttpEvent, maxBytes: number): unknown {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'Unsupported Media Type', 'Send the body as application/json');
  }
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > maxBytes)
    throw new HttpError(413, 'Content Too Large', `The body may be at most ${maxBytes} bytes`);
  if (text.trim() === '') throw new ValidationError([{ path: '(body)', message: 'A JSON body is required' }]);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError([{ path: '(body)', message: 'The body is not valid JSON' }]);
  }
}

/**
 * One field of a POST: from a form (`application/x-www-form-urlencoded`, what a page's button sends), a JSON body,
 * or the query string (RFC 8058 one-click posts to the link itself).
 */
export function postedField(event: HttpEvent, name: string, maxBytes = 16 * 1024): string | undefined {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > maxBytes)
    throw new HttpError(413, 'Content Too Large', `The body may be at most ${maxBytes} bytes`);
  if (type === 'application/x-www-form-urlencoded') {
    const value = new URLSearchParams(text).get(name);
    if (value) return value;
  } else if (type === 'application/json' && text.trim() !== '') {
    try {
      const value = (JSON.parse(text) as Record<string, unknown> | null)?.[name];
      if (typeof value === 'string') return value;
    } catch {
      throw new ValidationError([{ path: '(body)', message: 'The body is not valid JSON' }]);
    }
  }
  return event.queryStringParameters?.[name];
}

/** middy chain of every HTTP handler: logger context first, error mapping last so it sees every failure. */
export function httpHandler(
  handle: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  options: { onError?: (error: unknown, event: HttpEvent) => HttpResult | undefined } = {},
) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        const problem = problemOf(request.error);
        if (problem.status >= 500) {
          const error = request.error instanceof Error ? request.error : new Error(String(request.error));
          logger.error('request failed', {
            errorName: error.name,
            errorMessage: error.message,
            stack: error.stack,
            route: request.event.routeKey,
          });
        } else {
          logger.info('request rejected', {
            status: problem.status,
            route: request.event.routeKey,
            fields: problem.errors?.map((e) => loggablePath(e.path)),
          });
        }
        request.response = options.onError?.(request.error, request.event) ?? problemResponse(problem);
      },
    })
    .handler(traceHandler(handle));
}

/**
 * A field path as the logs may keep it: paths of the API's own fields pass; an unknown key (the client's own text,
 * which could be anything, an address too) is logged only as `(unknown)`.
 */
export function loggablePath(path: string): string {
  return /^([a-z][A-Za-z0-9]{0,39}|\d{1,4})(\.([a-z][A-Za-z0-9]{0,39}|\d{1,4}))*$/.test(path) ? path : '(unknown)';
}
