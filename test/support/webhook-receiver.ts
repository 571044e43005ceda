/**
 * A webhook receiver for tests: node:http on 127.0.0.1 (random port) that records every
 * request and answers as told: 'ok' (204), 'fail' (500) or 'drop' (the connection is
 * destroyed without an answer).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: { collection: string; record: Record<string, unknown> } };
  answered: 'ok' | 'fail' | 'drop';
}

export type Mode = Received['answered'];

export interface Receiver {
  url: string;
  received: Received[];
  mode: Mode;
  /** Waits (bounded) until `predicate` holds for the requests received so far. */
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver = { mode: 'ok' as Mode };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answered = receiver.mode;
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'], answered });
      if (answered === 'drop') req.socket.destroy();
      else res.writeHead(answered === 'ok' ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    async waitFor(predicate: (r: Received[]) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} requests)`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
