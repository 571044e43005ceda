/**
 * One POST to a webhook target with node:http(s): the connection goes to an address
 * checked by the SSRF guard (the lookup is the guard's, an IP literal is checked
 * first), redirects are not followed (a 3xx is a failed attempt), and the whole
 * attempt is bounded in time. Resolves with the status code; rejects on network errors.
 */
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, literalRefusal, TargetRefused } from '../core/net/target-guard.js';

export interface SendOptions {
  timeoutMs: number;
  allowedPrivateTargets: readonly string[];
  signal?: AbortSignal;
}

/** How much of a response is read (and dropped): the status is what counts. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export function postJson(target: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<number> {
  const url = new URL(target);
  const refused = literalRefusal(url, options.allowedPrivateTargets);
  if (refused) return Promise.reject(new TargetRefused(refused));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Galley-Webhooks' },
      lookup: guardedLookup(options.allowedPrivateTargets),
      agent: false, // no pooled keep-alive sockets left behind
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('response', (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('close', () => clearTimeout(timer));
      res.on('error', () => {});
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
