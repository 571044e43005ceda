/**
 * Errors Node's HTTP layer answers before a request reaches Fastify's router, in
 * PocketBase's `{status, message, data}` body like every other error:
 * - a request the HTTP parser refuses (`clientError`): a malformed request line or
 *   header, an unknown method, conflicting Content-Length / Transfer-Encoding, a header
 *   block over the limit (431), a request that took too long (408);
 * - an `Expect` header other than `100-continue` (417);
 * - `Expect: 100-continue`: "100 Continue" goes out only once the server starts reading
 *   the body, so a body refused on its declared length (413) is never invited.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../core/errors.js';
import { MALFORMED_URL } from './url-input.js';

const MALFORMED_HEADERS = 'The request headers are malformed.';

/** Node's parser error codes → status and message. */
function describe(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'The request headers are too large.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new ApiError(408, 'The request took too long to arrive.');
    case 'HPE_INVALID_METHOD':
      return new ApiError(400, 'The request method is malformed or not supported.');
    case 'HPE_INVALID_URL':
      return new ApiError(400, MALFORMED_URL);
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return new ApiError(400, MALFORMED_HEADERS);
    default:
      return new ApiError(400, 'The HTTP request is malformed.');
  }
}

/** Fastify's `clientErrorHandler`: the answer is written straight to the socket, which is then closed. */
export function clientErrorHandler(headers: Record<string, string>) {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const error = describe(err.code);
    const body = JSON.stringify(error.toJSON());
    socket.end(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${extra}content-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  };
}

/** Requests whose client waits for "100 Continue" before sending the body. */
const awaitingContinue = new WeakSet<IncomingMessage>();

/** True when the client has not been invited to send its body (and so has not sent it). */
export const isAwaitingContinue = (req: IncomingMessage): boolean => awaitingContinue.has(req);

/** Listeners for `Expect` headers on the server; `headers` go on the 417 answer. */
export function handleExpect(server: Server, headers: Record<string, string>): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    // Reading the body (Fastify's parsers, multipart, a discard) resumes the stream.
    req.once('resume', () => {
      awaitingContinue.delete(req);
      if (!res.headersSent) res.writeContinue();
    });
    server.emit('request', req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const error = new ApiError(417, `The expectation "${String(req.headers.expect).slice(0, 100)}" is not supported.`);
    res.writeHead(417, { ...headers, 'content-type': 'application/json', connection: 'close' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(error.toJSON()));
  });
}
