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
 * `onReply` also gets the whole answer, for a front that acts on what the emulator said.
 */
export function relay(port: number, request: IncomingMessage, body: Buffer, response: ServerResponse, onReply?: (status: number, reply: Buffer) => void): void {
  const upstream = httpRequest({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers }, (reply) => {
    response.writeHead(reply.statusCode ?? 502, reply.headers);
    if (onReply) {
      const chunks: Buffer[] = [];
      reply.on('data', (chunk: Buffer) => chunks.push(chunk));
      reply.on('end', () => onReply(reply.statusCode ?? 502, Buffer.concat(chunks)));
    }
    reply.pipe(response);
  });
  upstream.on('error', () => {
    response.writeHead(502);
    response.end();
  });
  upstream.end(body);
}
