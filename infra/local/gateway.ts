// Local HTTP API: turns each request into an API Gateway HTTP API (payload 2.0) event and calls the same handler
// Lambda would run, using the topology's route table. Also serves the local-only `/_local/*` routes and the built
// marketing console at `/console/` (S3 behind CloudFront in AWS).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routes, type RouteSpec } from '../topology.ts';
import { invoke } from './lambda-runner.ts';
import type { partnerVerifier } from './partner-keys.ts';

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|problem\+json|x-www-form-urlencoded|xml|javascript))/;

export type LocalRoute = (
  request: IncomingMessage,
  body: Buffer,
  url: URL,
) => Promise<{ status: number; body: unknown } | null>;

interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly pattern: RegExp;
  readonly names: string[];
}

function compile(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const source = spec.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{(\w+)(\+)?\}/g, (_, name: string, greedy?: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
  return { spec, pattern: new RegExp(`^${source}$`), names };
}

const compiled = routes.map(compile);

export function matchRoute(
  method: string,
  path: string,
): { spec: RouteSpec; params: Record<string, string> } | 'method-not-allowed' | null {
  let pathMatched = false;
  for (const route of compiled) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.spec.method !== method) continue;
    const params: Record<string, string> = {};
    for (const [index, name] of route.names.entries()) params[name] = decodeURIComponent(match[index + 1] ?? '');
    return { spec: route.spec, params };
  }
  return pathMatched ? 'method-not-allowed' : null;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_PAYLOAD_BYTES ? Buffer.alloc(MAX_PAYLOAD_BYTES + 1) : Buffer.concat(chunks)),
    );
    request.on('error', reject);
  });
}

export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  url: URL,
  route: { spec: RouteSpec; params: Record<string, string> },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  const routeKey = `${route.spec.method} ${route.spec.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    ...(Object.keys(route.params).length > 0 && { pathParameters: route.params }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: route.spec.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: isText ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: !isText,
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) {
  response.writeHead(status, headers);
  response.end(body);
}

function sendProblem(response: ServerResponse, status: number, title: string, detail: string) {
  send(
    response,
    status,
    { 'content-type': 'application/problem+json' },
    JSON.stringify({ type: 'about:blank', title, status, detail }),
  );
}

export interface Gateway {
  readonly server: Server;
  stop(): Promise<void>;
}

export type AdminVerifier = (authorization: string | undefined) => Promise<Record<string, unknown> | null>;
export type PartnerVerifier = ReturnType<typeof partnerVerifier>;

/** Whether a Host header names this machine's loopback (with or without a port). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return ['127.0.0.1', 'localhost', '[::1]'].includes((name ?? '').toLowerCase());
}

/** The console's files as CloudFront serves them from S3 in AWS: its security headers, nothing cached. */
const CONSOLE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};
export const CONSOLE_HEADERS = {
  // Nothing but this origin: the API is here, the console loads nothing from any other host.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function serveConsole(response: ServerResponse, pathname: string, console: { dir: string; config: unknown }): boolean {
  if (pathname === '/console') {
    send(response, 301, { location: '/console/' }, '');
    return true;
  }
  if (!pathname.startsWith('/console/')) return false;
  const name = pathname === '/console/' ? 'index.html' : pathname.slice('/console/'.length);
  if (name === 'config.json') {
    send(
      response,
      200,
      { ...CONSOLE_HEADERS, 'content-type': CONSOLE_TYPES['.json'] ?? '' },
      JSON.stringify(console.config),
    );
    return true;
  }
  const type = CONSOLE_TYPES[extname(name)];
  const file = join(console.dir, name);
  if (!type || name.includes('..') || name.includes('/') || !existsSync(file)) {
    sendProblem(response, 404, 'Not Found', `No console file ${name}`);
    return true;
  }
  send(response, 200, { ...CONSOLE_HEADERS, 'content-type': type }, readFileSync(file));
  return true;
}

export async function startGateway(options: {
  port: number;
  localRoutes: LocalRoute[];
  verifyAdmin: AdminVerifier;
  verifyPartner: PartnerVerifier;
  /** The built console (infra/web/build.ts) and its config.json. */
  console?: { dir: string; config: unknown };
}): Promise<Gateway> {
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(request);
      if (body.length > MAX_PAYLOAD_BYTES)
        return sendProblem(response, 413, 'Content Too Large', 'The request body exceeds 10 MB');
      if (url.pathname.startsWith('/_local/')) {
        // The local routes reset outboxes, fire schedules and inject faults: only for this machine's own tools. A
        // web page elsewhere that rebinds a DNS name to 127.0.0.1 sends its own Host, and is refused.
        if (!isLoopbackHost(request.headers.host))
          return sendProblem(response, 403, 'Forbidden', 'Local routes answer requests to 127.0.0.1 or localhost only');
        for (const localRoute of options.localRoutes) {
          const result = await localRoute(request, body, url);
          if (!result) continue;
          // Errors of the local routes are problem+json too, as every error of the API.
          if (result.status >= 400)
            return send(
              response,
              result.status,
              { 'content-type': 'application/problem+json' },
              JSON.stringify({ type: 'about:blank', ...(result.body as object) }),
            );
          return send(response, result.status, { 'content-type': 'application/json' }, JSON.stringify(result.body));
        }
        return sendProblem(response, 404, 'Not Found', `No local route ${request.method} ${url.pathname}`);
      }
      if (options.console && request.method === 'GET' && serveConsole(response, url.pathname, options.console)) return;
      const route = matchRoute(request.method ?? 'GET', url.pathname);
      if (route === null) return sendProblem(response, 404, 'Not Found', `No route ${url.pathname}`);
      if (route === 'method-not-allowed')
        return sendProblem(response, 405, 'Method Not Allowed', `${request.method} is not served on ${url.pathname}`);
      const event = toApiGatewayEvent(request, body, url, route);
      if (route.spec.auth === 'admin') {
        // As API Gateway's JWT authorizer: no valid token, no call to the handler.
        const claims = await options.verifyAdmin(event.headers['authorization']);
        if (!claims)
          return sendProblem(response, 401, 'Unauthorized', 'A valid bearer token is required (npm run admin-token)');
        (event.requestContext as unknown as { authorizer: object }).authorizer = { jwt: { claims, scopes: null } };
      }
      if (route.spec.auth === 'partner') {
        // As API Gateway's IAM authorizer: a SigV4 signature of a known key over this very request, or no call.
        const verdict = await options.verifyPartner({
          method: request.method ?? 'GET',
          host: request.headers.host ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: event.headers,
          body,
        });
        if (!verdict.ok)
          return sendProblem(
            response,
            verdict.status,
            verdict.status === 401 ? 'Unauthorized' : 'Forbidden',
            `${verdict.reason} (npm run partner-credentials)`,
          );
        (event.requestContext as unknown as { authorizer: object }).authorizer = {
          iam: {
            accessKey: verdict.accessKeyId,
            accountId: '000000000000',
            userArn: 'arn:aws:iam::000000000000:user/local-partner',
          },
        };
      }
      const result = (await invoke(route.spec.handler, event)) as APIGatewayProxyStructuredResultV2;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
      if (result.cookies?.length) response.setHeader('set-cookie', result.cookies);
      const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
      send(response, result.statusCode ?? 200, headers, payload);
    } catch (error) {
      // API Gateway answers 500 when the integration fails; the cause goes to the local console only.
      console.error('[gateway] handler failed:', error instanceof Error ? error.message : error);
      if (!response.headersSent)
        sendProblem(response, 500, 'Internal Server Error', 'Something went wrong; try again later.');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    server,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
