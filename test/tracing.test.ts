/**
 * OpenTelemetry traces (docs/observability.md) on both engines, sent to a real OTLP/HTTP
 * receiver started here: the span tree of one request (server span continuing the
 * caller's `traceparent`, hook handler, SQL statements, the transaction), a mail span,
 * and no parameter values in any span.
 */
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { eventually } from './support/realtime.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { startTracing, stopTracing } from '../src/tracing/start-tracing.js';
import { tracingOptions } from '../src/tracing/tracing-options.js';
import type { Tracing } from '../src/tracing/tracing.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

const SERVER = 2;
const CLIENT = 3;

/** An OTLP/HTTP JSON receiver: every span it was sent, and the raw bodies. */
async function startReceiver(): Promise<{ url: string; spans: OtlpSpan[]; bodies: string[]; services: Set<string>; server: Server }> {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const services = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
      bodies.push(body);
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        const parsed = JSON.parse(body) as { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of parsed.resourceSpans) {
          const service = rs.resource.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
          if (typeof service === 'string') services.add(service);
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, bodies, services, server };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};
const hex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('tracing options', () => {
  it('is off without an OTLP endpoint, or when disabled', () => {
    expect(tracingOptions({})).toBeUndefined();
    expect(tracingOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });
  it('reads the endpoint, service name, headers and sampler', () => {
    expect(tracingOptions({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SERVICE_NAME: 'api', OTEL_EXPORTER_OTLP_HEADERS: 'x-key=a%20b,other=1',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25',
    })).toEqual({
      url: 'http://collector:4318/v1/traces', headers: { 'x-key': 'a b', other: '1' }, serviceName: 'api',
      sampler: { kind: 'traceidratio', parentBased: true, ratio: 0.25 }, scheduleDelayMs: 5000,
    });
    expect(tracingOptions({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c/traces', OTEL_TRACES_SAMPLER: 'always_off' })).toMatchObject({ url: 'http://c/traces', serviceName: 'galley', sampler: { kind: 'always_off', parentBased: false } });
  });
});

describe('traces', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tracing: Tracing;

  beforeAll(async () => {
    receiver = await startReceiver();
    tracing = (await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'galley-test', OTEL_BSP_SCHEDULE_DELAY: '200' }))!;
    expect(tracing).toBeDefined();
  });
  afterAll(async () => {
    await stopTracing();
    receiver.server.close();
  });

  describe.each(ENGINES)('on %s', (engine) => {
    let t: TestApp;
    let smtp: SmtpCapture;

    beforeAll(async () => {
      smtp = await startSmtpCapture();
      t = await startApp(engine, (app) => {
        app.onRecordCreate('notes', async (e) => { e.record.text = `${String(e.record.text)}!`; await e.next(); });
      });
      await t.admin.collections.create({ name: 'notes', type: 'base', createRule: '', fields: [{ name: 'text', type: 'text' }] });
      await t.admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass } });
    });
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });

    const traceOf = async (traceId: string, expectName: string) => {
      await tracing.flush();
      await eventually(() => expect(receiver.spans.some((s) => s.traceId === traceId && s.name === expectName)).toBe(true));
      return receiver.spans.filter((s) => s.traceId === traceId);
    };

    it("continues the caller's trace: server span, hook, transaction and statements below it", async () => {
      const traceId = hex(16);
      const callerSpan = hex(8);
      const res = await fetch(`${t.url}/api/collections/notes/records`, {
        method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpan}-01` },
        body: JSON.stringify({ text: 'parameter-value-never-traced' }),
      });
      expect(res.status).toBe(200);
      const spans = await traceOf(traceId, 'POST /api/collections/:c/records');
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const server = spans.find((s) => s.kind === SERVER)!;
      expect(server).toMatchObject({ name: 'POST /api/collections/:c/records', parentSpanId: callerSpan });
      expect(attr(server, 'http.route')).toBe('/api/collections/:c/records');
      expect(attr(server, 'http.response.status_code')).toBe(200);
      /** True when `span` sits somewhere below the server span. */
      const underServer = (span: OtlpSpan): boolean => {
        for (let p = span.parentSpanId; p; p = byId.get(p)?.parentSpanId) if (p === server.spanId) return true;
        return false;
      };
      const hook = spans.find((s) => s.name === 'hook onRecordCreate');
      expect(hook && underServer(hook)).toBe(true);
      const insert = spans.find((s) => s.kind === CLIENT && String(attr(s, 'db.query.text')).startsWith('INSERT INTO "notes"'));
      expect(insert && underServer(insert)).toBe(true);
      expect(attr(insert!, 'db.system.name')).toBe(engine === 'postgres' ? 'postgresql' : 'sqlite');
      // The statement runs inside the hook's `next()`, inside the write's transaction.
      const ancestors = (s: OtlpSpan) => { const out: string[] = []; for (let p = s.parentSpanId; p; p = byId.get(p)?.parentSpanId) out.push(byId.get(p)?.name ?? ''); return out; };
      expect(ancestors(insert!)).toEqual(expect.arrayContaining(['hook onRecordCreate', `transaction ${engine}`]));
      expect(receiver.services.has('galley-test')).toBe(true);
      for (const body of receiver.bodies) expect(body).not.toContain('parameter-value-never-traced');
    });

    it('keeps the trace across a body that arrives after the headers', async () => {
      const traceId = hex(16);
      const body = JSON.stringify({ text: 'late body' });
      const { port } = new URL(t.url);
      const status = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let out = '';
        socket.on('data', (d) => { out += d.toString(); });
        socket.on('error', reject);
        socket.on('close', () => resolve(out.split('\r\n')[0]!));
        socket.write(`POST /api/collections/notes/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\ntraceparent: 00-${traceId}-${hex(8)}-01\r\nConnection: close\r\n\r\n`);
        setTimeout(() => socket.write(body), 100);
      });
      expect(status).toBe('HTTP/1.1 200 OK');
      const spans = await traceOf(traceId, 'POST /api/collections/:c/records');
      expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['hook onRecordCreate', `transaction ${engine}`]));
    });

    it('starts a trace of its own without a traceparent, and traces mail', async () => {
      const before = new Set(receiver.spans.map((s) => s.traceId));
      await t.admin.settings.testEmail('users', 'traced@example.com', 'verification');
      await smtp.next('traced@example.com');
      await tracing.flush();
      await eventually(() => expect(receiver.spans.some((s) => s.name === 'mail send' && !before.has(s.traceId))).toBe(true));
      const mail = receiver.spans.find((s) => s.name === 'mail send' && !before.has(s.traceId))!;
      const server = receiver.spans.find((s) => s.traceId === mail.traceId && s.kind === SERVER)!;
      expect(server.name).toBe('POST /api/settings/test/email');
      expect(server.parentSpanId ?? '').toBe('');
    });

    it('records the status of a refused request', async () => {
      const traceId = hex(16);
      const res = await fetch(`${t.url}/api/collections/notes/records/nope`, { headers: { traceparent: `00-${traceId}-${hex(8)}-01`, authorization: t.admin.authStore.token } });
      expect(res.status).toBe(404);
      const spans = await traceOf(traceId, 'GET /api/collections/:c/records/:id');
      expect(attr(spans.find((s) => s.kind === SERVER)!, 'http.response.status_code')).toBe(404);
    });
  });
});
