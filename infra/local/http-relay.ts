// The two pieces every local front (SES API front, SMS capture) needs: the whole request body, and passing a
// request on unchanged to the emulator behind it.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Sends the request (its body already read) to 127.0.0.1:`port` and pipes the answer back; 502 if it is down.
 * `onReply` also gets the whole answer, for a front that acts on what the emulator said; with `response` null the
 * answer goes only there (the front answers the caller itself).
 */
export function relay(
  port: number,
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse | null,
  onReply?: (status: number, reply: Buffer) => void,
): void {
  const upstream = httpRequest(
    { host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers },
    (reply) => {
      response?.writeHead(reply.statusCode ?? 502, reply.headers);
      const chunks: Buffer[] = [];
      if (onReply) reply.on('data', (chunk: Buffer) => chunks.push(chunk));
      reply.on('end', () => onReply?.(reply.statusCode ?? 502, Buffer.concat(chunks)));
      if (response) reply.pipe(response);
      else reply.resume();
    },
  );
  upstream.on('error', () => {
    if (response) {
      response.writeHead(502);
      response.end();
    } else onReply?.(502, Buffer.alloc(0));
  });
  upstream.end(body);
}
