/**
 * Defects found by a hostile-input run (issue 12), on both engines: malformed URLs inside
 * batch bodies, bodies over the size limit, errors answered below the router, and the
 * order of hidden emails leaking through `sort`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { openSse } from './support/realtime.js';
import { startApp } from './support/app.js';
import { parse, rawRequest, type RawResponse } from './support/raw-http.js';

const run = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./support/oversized-body-client.mjs', import.meta.url));

const MALFORMED_URL = 'The request URL is malformed (invalid %-encoding or characters).';
const TOO_LARGE = { status: 413, message: 'Request entity too large.', data: {} };

/** The PocketBase error body of a raw response, checked for shape and security headers. */
function errorBody(res: RawResponse, status: number): { status: number; message: string; data: object } {
  expect([res.status, res.headers['content-type']?.split(';')[0]]).toEqual([status, 'application/json']);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  const body = JSON.parse(res.body) as { status: number; message: string; data: object };
  expect(Object.keys(body).sort()).toEqual(['data', 'message', 'status']);
  expect([body.status, body.data]).toEqual([status, {}]);
  expect(body.message).toMatch(/^[A-Z].*\.$/);
  return body;
}

describe.each(ENGINES)('hostile input on %s', (engine) => {
  let g: TestGalley;
  let noteId: string;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.settings.update({ batch: { enabled: true, maxRequests: 10, maxBodySize: 1024 * 1024 } });
    const notes = await g.admin.collections.create({
      name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1024 * 1024 }],
    });
    noteId = (await g.admin.collection('notes').create({ title: 'kept', doc: new File(['0123456789'], 'doc.txt') })).id;
    expect(notes.name).toBe('notes');
  });
  afterAll(() => g.close());

  describe('malformed URLs inside a batch', () => {
    const urls = [
      `/api/collections/notes/records/%zz`,
      `/api/collections/notes/records/abc%`,
      `/api/collections/%E0%A4%A/records`,
      `/api/collections/notes%/records/x`,
      `//[`,
      `http://[::1/api/collections/notes/records`,
    ];

    it('fail the batch with a 400 naming the sub-request, and change nothing', async () => {
      for (const url of urls) {
        for (const method of ['DELETE', 'PATCH', 'POST']) {
          const requests = [
            { method: 'POST', url: '/api/collections/notes/records', body: { title: 'must roll back' } },
            { method, url, body: { title: 'x' } },
          ];
          const res = await g.fetch('/api/batch', { method: 'POST', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests }) });
          const body = await expectErrorBody(res, 400);
          expect([url, method, body]).toEqual([url, method, {
            status: 400, message: 'Batch transaction failed.',
            data: { requests: { 1: { code: 'batch_request_failed', message: 'Batch request failed.', response: { status: 400, message: MALFORMED_URL, data: {} } } } },
          }]);
        }
      }
      const titles = (await g.admin.collection('notes').getFullList()).map((r) => r.title);
      expect(titles).toEqual(['kept']);
    });

    it('get the same 400 as the URL sent on its own', async () => {
      for (const path of ['/api/collections/notes/records/%zz', '/api/collections/notes/records/abc%']) {
        expect(await expectErrorBody(await g.fetch(path, { method: 'DELETE', token: g.admin.authStore.token }), 400))
          .toEqual({ status: 400, message: MALFORMED_URL, data: {} });
      }
    });
  });

  describe('other client input that is decoded or parsed', () => {
    it('answers a malformed file path, expand, fields, filter and sort with a 4xx', async () => {
      const paths = [
        `/api/files/notes/${noteId}/%zz`, `/api/files/notes/%E0%A4%A/x.txt`, `/api/files/%/x/y`,
        `/api/collections/notes/records?expand=%zz`, `/api/collections/notes/records?fields=%E0%A4%A`,
        `/api/collections/notes/records?expand=${encodeURIComponent('a.'.repeat(50))}`,
        `/api/collections/notes/records?fields=${encodeURIComponent('*:excerpt(-1,x)')}`,
        `/api/collections/notes/records?filter=${encodeURIComponent("title = '\\u{zz}")}`,
        `/api/collections/notes/records?sort=${encodeURIComponent('-')}`,
        `/api/collections/notes/records?page=%zz&perPage=${'9'.repeat(40)}`,
      ];
      for (const path of paths) {
        const res = await g.fetch(path);
        expect([path, res.status < 500]).toEqual([path, true]);
        if (res.status >= 400) await expectErrorBody(res, res.status);
      }
    });

    it('answers a malformed path parameter of a custom route with a 4xx, and serves a good one', async () => {
      const t = await startApp(engine, (app) => app.route('GET', '/api/hello/:name', (e) => ({ hello: e.request.params.name })));
      try {
        for (const path of ['/api/hello/%zz', '/api/hello/abc%', '/api/hello/%E0%A4%A']) {
          const res = await fetch(t.url + path);
          await expectErrorBody(res, res.status);
          expect([path, res.status < 500]).toEqual([path, true]);
        }
        expect(await (await fetch(`${t.url}/api/hello/caf%C3%A9`)).json()).toEqual({ hello: 'café' });
      } finally {
        await t.close();
      }
    });

    it('keeps a realtime client whose subscription options are not valid JSON or %-encoding', async () => {
      const sse = await openSse(g.url);
      try {
        const subscriptions = ['notes?options=%zz', 'notes?options={not json', 'notes/%E0%A4%A', 'notes?options=' + encodeURIComponent('{"query":{"filter":"("}}')];
        const res = await g.fetch('/api/realtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: sse.clientId, subscriptions }) });
        expect(res.status).toBe(204);
        const created = await g.client().collection('notes').create({ title: 'seen' });
        await g.admin.collection('notes').delete(created.id);
      } finally {
        sse.close();
      }
    });
  });

  describe('a body over the size limit', () => {
    // 32 MiB + 1 KiB: over the default body limit of every JSON route.
    const BIG = 32 * 1024 * 1024 + 1024;

    it('is answered with a 413 the client actually receives, every time', async () => {
      // The client runs in a process of its own: in this one, its writes and the server's close take turns.
      const { stdout } = await run(process.execPath, [CLIENT, `${g.url}/api/collections/notes/records`, String(BIG), '6'], { maxBuffer: 1 << 20 });
      expect(JSON.parse(stdout)).toEqual(Array(6).fill(`413 ${JSON.stringify(TOO_LARGE)}`));
    });

    it('is refused before "100 Continue" when its declared length is too large', async () => {
      const head = `POST /api/collections/notes/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BIG}\r\nExpect: 100-continue\r\n\r\n`;
      const res = await rawRequest(g.url, head);
      expect(res.text.startsWith('HTTP/1.1 100')).toBe(false);
      expect(errorBody(res, 413)).toEqual(TOO_LARGE);
      expect(res.headers.connection).toBe('close');
    });

    it('invites a body of acceptable size with "100 Continue" and serves it', async () => {
      const body = JSON.stringify({ title: 'continued' });
      const head = `POST /api/collections/notes/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
      const { hostname, port } = new URL(g.url);
      const net = await import('node:net');
      const text = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname);
        let out = '';
        socket.on('data', (d) => {
          out += d.toString();
          // The body goes only once the server has asked for it.
          if (out.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !out.includes('\r\n\r\n', 26)) socket.write(body);
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(out));
        socket.write(head);
      });
      expect(text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')).toBe(true);
      const res = parse(text.slice('HTTP/1.1 100 Continue\r\n\r\n'.length));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).title).toBe('continued');
    });

    it('gives a batch over maxBodySize a 413 the client receives, JSON and multipart', async () => {
      const requests = [{ method: 'POST', url: '/api/collections/notes/records', body: { title: 'y'.repeat(2 * 1024 * 1024) } }];
      const json = await g.fetch('/api/batch', { method: 'POST', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests }) });
      expect(await expectErrorBody(json, 413)).toEqual(TOO_LARGE);
      const form = new FormData();
      form.set('@jsonPayload', JSON.stringify({ requests: [{ method: 'POST', url: '/api/collections/notes/records' }] }));
      form.set('requests.0.doc', new File([new Uint8Array(3 * 1024 * 1024)], 'big.bin'));
      const multipart = await g.fetch('/api/batch', { method: 'POST', token: g.admin.authStore.token, body: form });
      expect(await expectErrorBody(multipart, 413)).toEqual(TOO_LARGE);
      expect(await g.admin.collection('notes').getFullList({ filter: 'title ~ "y"' })).toEqual([]);
    });

    it('gives a file over the field limit, sent as multipart, a 413 or 400 the client receives', async () => {
      const form = new FormData();
      form.set('title', 'too big');
      form.set('doc', new File([new Uint8Array(40 * 1024 * 1024)], 'huge.bin'));
      const res = await g.fetch('/api/collections/notes/records', { method: 'POST', body: form });
      expect(res.status === 413 || res.status === 400).toBe(true);
      await expectErrorBody(res, res.status);
    });
  });

  describe('errors below the router', () => {
    const cases: [string, string | Buffer, number][] = [
      ['a raw 0xFF byte in the URL', Buffer.concat([Buffer.from('GET /api/'), Buffer.from([0xff]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]), 400],
      ['a NUL in a header value', 'GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n', 400],
      ['Content-Length twice', 'POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde', 400],
      ['Content-Length with chunked encoding', 'POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
      ['a bad Content-Length', 'POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nabcde', 400],
      ['an invalid header name', 'GET /api/health HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n', 400],
      ['an unknown method', 'FOO /api/health HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['a header block over 16 KiB', `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
      ['an unsupported Expect', 'GET /api/health HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n', 417],
    ];
    it.each(cases)('answers %s with the PocketBase error body', async (_what, request, status) => {
      errorBody(await rawRequest(g.url, request), status);
    });

    it('answers a Range beyond the file with a 416 error body', async () => {
      const res = await g.fetch(`/api/files/notes/${noteId}/${(await g.admin.collection('notes').getOne(noteId)).doc}`, { headers: { range: 'bytes=500-600' } });
      expect(res.headers.get('content-range')).toBe('bytes */10');
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await expectErrorBody(res, 416)).toEqual({ status: 416, message: 'The requested range is not satisfiable.', data: {} });
    });
  });

  describe('sorting by a hidden email', () => {
    let user: PocketBase;
    const emails = ['zed@example.com', 'mia@example.com', 'abe@example.com', 'kim@example.com'];

    beforeAll(async () => {
      await g.admin.collections.update('users', { listRule: '@request.auth.id != ""', viewRule: '@request.auth.id != ""' });
      await g.admin.collections.create({
        name: 'posts', type: 'base', listRule: '', viewRule: '',
        fields: [{ name: 'title', type: 'text' }, { name: 'author', type: 'relation', collectionId: (await g.admin.collections.getOne('users')).id, maxSelect: 1 }],
      });
      for (const email of emails) {
        const u = await g.admin.collection('users').create({ email, password: 'user-password-1', passwordConfirm: 'user-password-1', name: email.slice(0, 3) });
        await g.admin.collection('posts').create({ title: `by ${email.slice(0, 3)}`, author: u.id });
      }
      // The attacker: an account whose email they chose, sorted among the others.
      await g.admin.collection('users').create({ email: 'mmm@attacker.test', password: 'attacker-pass-1', passwordConfirm: 'attacker-pass-1', name: 'att' });
      user = g.client();
      await user.collection('users').authWithPassword('mmm@attacker.test', 'attacker-pass-1');
    });

    const names = (items: Record<string, unknown>[]) => items.map((r) => r.name);

    it('does not order hidden emails by their value', async () => {
      const insertion = ['zed', 'mia', 'abe', 'kim', 'att'];
      expect(names(await user.collection('users').getFullList({ sort: 'email' }))).toEqual(insertion);
      expect(names(await user.collection('users').getFullList({ sort: '-email' }))).toEqual(insertion);
      // Through a relation too.
      const posts = await user.collection('posts').getFullList({ sort: 'author.email' });
      expect(posts.map((p) => p.title)).toEqual(['by zed', 'by mia', 'by abe', 'by kim']);
    });

    it('orders visible emails, and every email for a superuser', async () => {
      const all = await g.admin.collection('users').getFullList({ sort: 'email' });
      expect(names(all)).toEqual(['abe', 'kim', 'mia', 'att', 'zed']);
      for (const email of ['zed@example.com', 'abe@example.com']) {
        const u = all.find((r) => r.email === email)!;
        await g.admin.collection('users').update(u.id, { emailVisibility: true });
      }
      // Visible emails sort among themselves; the hidden ones sort as empty, ahead of them.
      expect(names(await user.collection('users').getFullList({ sort: 'email' }))).toEqual(['mia', 'kim', 'att', 'abe', 'zed']);
      expect((await user.collection('posts').getFullList({ sort: '-author.email' })).map((p) => p.title)).toEqual(['by zed', 'by abe', 'by mia', 'by kim']);
    });
  });
});
