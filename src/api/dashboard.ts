/**
 * The dashboard at `/_/`: the single-page app built by Vite into dist/web, read into
 * memory at its first request (not at start: the files, ~1 MB, are off the start path
 * and out of memory until someone opens the dashboard) and served with a strict
 * Content-Security-Policy (scripts and styles from
 * this origin only, nothing inline, no framing). Every screen is a hash route, so
 * only `/_/` and its hashed assets exist. Without a build (a checkout before `npm run
 * build`), `/_/` says how to get one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../core/errors.js';

export const DASHBOARD_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "font-src 'self'", "frame-src 'self' blob:", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json',
};

const MISSING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Galley</title></head>
<body><h1>Galley</h1><p>The API is running at <code>/api/</code>. The dashboard has not been built in this checkout:
run <code>npm run build</code>.</p></body></html>`;

/** dist/web next to the running code (dist/api → dist/web), or the built one when running from src/. */
function webRoot(): string | undefined {
  const candidates = ['../web', '../../dist/web'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

function loadAssets(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, readFileSync(path));
    }
  };
  walk(root, '');
  return files;
}

export function registerDashboardRoutes(app: FastifyInstance): void {
  let loaded: Map<string, Buffer> | undefined;
  const assets = () => {
    if (loaded) return loaded;
    const root = webRoot();
    return (loaded = root ? loadAssets(root) : new Map<string, Buffer>());
  };
  const secure = (reply: FastifyReply) => reply.header('content-security-policy', DASHBOARD_CSP);

  app.get('/_/', async (_request, reply) => {
    const index = assets().get('index.html');
    secure(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    return reply.send(index ?? MISSING);
  });
  app.get('/_', async (_request, reply) => reply.redirect('/_/', 301));
  app.get('/_/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const body = assets().get(path);
    if (!body || path === 'index.html') throw notFound();
    // Vite names assets by content hash: they never change under one name.
    const immutable = path.startsWith('assets/');
    secure(reply).header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(TYPES[extname(path)] ?? 'application/octet-stream').send(body);
  });
}
