/**
 * Verifying a Galley webhook in a receiver (the Standard Webhooks scheme), with
 * node:crypto only. Used by the test suite (test/webhooks-delivery.test.ts).
 *
 *   import { createServer } from 'node:http';
 *   import { verifyWebhook } from './verify-webhook.js';
 *
 *   const secret = process.env.WEBHOOK_SECRET!; // "whsec_..." from the creation response
 *   createServer((req, res) => {
 *     const chunks: Buffer[] = [];
 *     req.on('data', (c: Buffer) => chunks.push(c));
 *     req.on('end', () => {
 *       const body = Buffer.concat(chunks).toString('utf8'); // verify the raw body, before JSON.parse
 *       if (!verifyWebhook(secret, req.headers, body)) return res.writeHead(401).end();
 *       const event = JSON.parse(body); // {type: "record.created", timestamp, data: {collection, record}}
 *       // ... deduplicate on req.headers['webhook-id'] (delivery is at least once), then handle it
 *       res.writeHead(204).end();
 *     });
 *   }).listen(3000);
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** True when the body was signed with `secret` less than `toleranceSeconds` ago (replays are refused). */
export function verifyWebhook(secret: string, headers: Headers, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;

  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  // The header may hold several space-separated signatures (e.g. during a secret rotation).
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
