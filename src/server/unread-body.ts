/**
 * A request answered with an error before its body was read (a 413 on the declared
 * length, a multipart body refused part-way, a 4xx from a handler that never read it).
 * Closing the connection at once would make the client, still sending, fail with a
 * broken pipe instead of reading the answer; so the rest of the body is read and
 * dropped first, up to a bound in bytes and time, past which the connection is closed.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import { isAwaitingContinue } from './protocol-errors.js';

const MAX_DISCARD_BYTES = 128 * 1024 * 1024;
const MAX_DISCARD_MS = 15_000;

export function discardUnreadBody(req: IncomingMessage, reply: FastifyReply): Promise<void> | undefined {
  if (req.complete || req.readableEnded || req.destroyed) return undefined;
  if (isAwaitingContinue(req)) {
    // The client holds its body back until invited; it gets the answer instead.
    void reply.header('connection', 'close');
    return undefined;
  }
  return new Promise<void>((resolve) => {
    let seen = 0;
    const finish = (close: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onEnd).off('close', onEnd);
      if (close) void reply.header('connection', 'close');
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_DISCARD_BYTES) finish(true);
    };
    const onEnd = () => finish(false);
    const timer = setTimeout(() => finish(true), MAX_DISCARD_MS);
    req.on('data', onData).once('end', onEnd).once('error', onEnd).once('close', onEnd);
    req.resume();
  });
}
