/** Routing, health, CORS, security headers, HEAD and the dashboard path (API spec 1.1, 1.3, 8.2, 9.1, 10.2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';

const NOT_FOUND = { status: 404, message: "The requested resource wasn't found.", data: {} };
const SECURITY_HEADERS = {
  'x-xss-protection': '1; mode=block',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
};

describe.each(ENGINES)('HTTP conventions on %s', (engine) => {
  let g: TestGalley;
  let recordId: string;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'text', type: 'text' }] });
    await g.admin.collections.create({ name: 'private', type: 'base', fields: [{ name: 'text', type: 'text' }] });
    recordId = (await g.admin.collection('notes').create({ text: 'hello' })).id;
  });
  afterAll(() => g.close());

  const expectSecurityHeaders = (res: Response, what: string) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect([what, name, res.headers.get(name)]).toEqual([what, name, value]);
  };

  describe('routing', () => {
    it('answers unknown routes with the JSON 404 body', async () => {
      for (const [method, path] of [['GET', '/api/nope'], ['POST', '/api/nope/deeper'], ['GET', '/nope'], ['DELETE', '/api'], ['GET', '/api/collections/notes/records/x/y']]) {
        const body = await expectErrorBody(await g.fetch(path!, { method }), 404);
        expect([method, path, body]).toEqual([method, path, NOT_FOUND]);
      }
    });

    it('does not treat a trailing slash as the same route', async () => {
      const list = await g.fetch('/api/collections/notes/records');
      expect(list.status).toBe(200);
      expect(await expectErrorBody(await g.fetch('/api/collections/notes/records/'), 404)).toEqual(NOT_FOUND);
      expect(await expectErrorBody(await g.fetch('/api/health/'), 404)).toEqual(NOT_FOUND);
      expect((await g.fetch(`/api/collections/notes/records/${recordId}`)).status).toBe(200);
      expect(await expectErrorBody(await g.fetch(`/api/collections/notes/records/${recordId}/`), 404)).toEqual(NOT_FOUND);
    });
  });

  it('answers 404 for a record id holding a NUL character', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await g.fetch('/api/collections/notes/records/abc%00def', {
        method, token: g.admin.authStore.token, ...(method === 'PATCH' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      expect([method, await expectErrorBody(res, 404)]).toEqual([method, NOT_FOUND]);
    }
  });

  it('answers a badly encoded path with a 400 error body', async () => {
    for (const path of ['/api/collections/notes/records/%zz', '/api/%E0%A4%A']) {
      const res = await g.fetch(path);
      expect(await expectErrorBody(res, 400)).toEqual({ status: 400, message: 'The request URL is malformed (invalid %-encoding or characters).', data: {} });
      expectSecurityHeaders(res, path);
    }
  });

  describe('health', () => {
    it('answers GET /api/health with the exact PocketBase body', async () => {
      const res = await g.fetch('/api/health');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.text()).toBe('{"message":"API is healthy.","code":200,"data":{}}');
    });

    it('works through the SDK', async () => {
      expect(await g.client().health.check()).toEqual({ message: 'API is healthy.', code: 200, data: {} });
    });
  });

  describe('CORS', () => {
    it('answers a preflight with "*" and the requested headers', async () => {
      const res = await g.fetch('/api/collections/notes/records', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example.com',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'Authorization,Content-Type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type']));
      const methods = (res.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
      expect(methods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']));
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('allows any origin on ordinary and error responses', async () => {
      for (const path of ['/api/health', '/api/collections/notes/records', '/api/nope', '/api/collections/private/records']) {
        const res = await g.fetch(path, { headers: { Origin: 'https://elsewhere.test' } });
        expect([path, res.headers.get('access-control-allow-origin')]).toEqual([path, '*']);
      }
    });
  });

  describe('security headers', () => {
    it('are sent on every response, errors and preflights included', async () => {
      const cases: [string, RequestInit & { token?: string }][] = [
        ['/api/health', {}],
        ['/api/collections/notes/records', {}],
        ['/api/nope', {}],
        ['/api/collections/private/records', {}],
        ['/api/collections/nope/records', {}],
        ['/api/collections/notes/records?page=x', {}],
        ['/api/collections/notes/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }],
        ['/api/collections/notes/records', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }],
        ['/api/collections', {}],
        ['/api/collections/_superusers/auth-refresh', { method: 'POST' }],
        ['/api/health', { method: 'HEAD' }],
        ['/_/', {}],
        ['/api/collections/notes/records', {
          method: 'OPTIONS',
          headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' },
        }],
      ];
      for (const [path, init] of cases) {
        const res = await g.fetch(path, init);
        await res.arrayBuffer();
        expectSecurityHeaders(res, `${init.method ?? 'GET'} ${path} -> ${res.status}`);
      }
    });

    it('are sent on a 413', async () => {
      const res = await g.fetch('/api/collections/notes/records', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(33 * 1024 * 1024) }),
      });
      expect(res.status).toBe(413);
      expectSecurityHeaders(res, '413');
    });
  });

  describe('HEAD', () => {
    it('answers with the status and headers of GET, without a body', async () => {
      const cases: [string, number][] = [
        ['/api/health', 200],
        ['/api/collections/notes/records', 200],
        [`/api/collections/notes/records/${recordId}`, 200],
        ['/api/collections/notes/records/missingmissing1', 404],
        ['/api/collections/private/records', 403],
        ['/api/nope', 404],
      ];
      for (const [path, status] of cases) {
        const res = await g.fetch(path, { method: 'HEAD' });
        expect([path, res.status]).toEqual([path, status]);
        expect([path, res.headers.get('content-type')]).toEqual([path, expect.stringMatching(/^application\/json/)]);
        expect([path, await res.text()]).toEqual([path, '']);
      }
    });
  });

  describe('dashboard path', () => {
    it('serves an HTML page at /_/', async () => {
      const res = await g.fetch('/_/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('</html>');
    });

    it('redirects /_ to /_/', async () => {
      const res = await g.fetch('/_', { redirect: 'manual' });
      expect([301, 302, 307, 308]).toContain(res.status);
      expect(res.headers.get('location')).toBe('/_/');
    });
  });
});
