/**
 * The provider's avatar for a new OAuth2 record (API spec 5.5): downloaded through the
 * SSRF guard (public addresses only, unless `webhooks.allowedPrivateTargets` allows
 * one; the connection goes to the checked address; no redirects), bounded in size and
 * time, into a temporary file that becomes an upload of the mapped file field.
 */
import http from 'node:http';
import https from 'node:https';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardedLookup, literalRefusal, parseTarget } from '../../net/target-guard.js';

const TIMEOUT_MS = 10_000;

export interface DownloadedAvatar {
  path: string;
  mimeType: string;
  size: number;
  /** Removes the temporary file. */
  dispose(): Promise<void>;
}

export async function downloadAvatar(address: string, maxBytes: number, allowedPrivateTargets: readonly string[]): Promise<DownloadedAvatar> {
  const url = parseTarget(address);
  if (typeof url === 'string') throw new Error(`invalid avatar URL: ${url}`);
  const refused = literalRefusal(url, allowedPrivateTargets);
  if (refused) throw new Error(refused);
  const dir = await mkdtemp(join(tmpdir(), 'galley-avatar-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'avatar');
  try {
    const { mimeType, size } = await fetchTo(url, path, maxBytes, allowedPrivateTargets);
    return { path, mimeType, size, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

function fetchTo(url: URL, path: string, maxBytes: number, allowed: readonly string[]): Promise<{ mimeType: string; size: number }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { lookup: guardedLookup(allowed), agent: false, headers: { 'user-agent': 'Galley' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`the avatar URL answered ${res.statusCode}`));
        return;
      }
      let size = 0;
      const out = createWriteStream(path);
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) req.destroy(new Error(`the avatar is larger than ${maxBytes} bytes`));
      });
      res.pipe(out);
      out.on('finish', () => resolve({ mimeType: String(res.headers['content-type'] ?? '').split(';')[0]!.trim(), size }));
      out.on('error', reject);
      res.on('error', reject);
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no avatar within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}
