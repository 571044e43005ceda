/**
 * Starts OpenTelemetry tracing when the environment asks for it (tracing-options.ts):
 * loads the SDK, the AsyncLocalStorage context manager, the W3C propagator and the
 * OTLP/HTTP exporter, registers them globally, and makes `traced()` record spans.
 * Without the environment, nothing is loaded.
 */
import { context, propagation, trace, SpanKind, SpanStatusCode, ROOT_CONTEXT, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StoreObserver } from '../store/store-observer.js';
import { activeTracing, setActiveTracing, type Tracing } from './tracing.js';
import { tracingOptions, type TracingOptions } from './tracing-options.js';

/** Starts tracing if `env` enables it (once per process); the active tracing, if any. */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  const existing = activeTracing();
  if (existing) return existing;
  const options = tracingOptions(env);
  if (!options) return undefined;
  const tracing = await createTracing(options);
  setActiveTracing(tracing);
  return tracing;
}

/** Flushes and stops the active tracing (at shutdown). */
export async function stopTracing(): Promise<void> {
  const tracing = activeTracing();
  setActiveTracing(undefined);
  await tracing?.shutdown();
}

async function createTracing(options: TracingOptions): Promise<Tracing> {
  const [sdk, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const { kind, parentBased, ratio } = options.sampler;
  const root = kind === 'always_off' ? new sdk.AlwaysOffSampler() : kind === 'traceidratio' ? new sdk.TraceIdRatioBasedSampler(ratio) : new sdk.AlwaysOnSampler();
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: parentBased ? new sdk.ParentBasedSampler({ root }) : root,
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.url, headers: options.headers }), scheduledDelayMillis: options.scheduleDelayMs })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const tracer = trace.getTracer('galley');

  return {
    span: (name, attributes, fn, spanKind = SpanKind.INTERNAL) => inSpan(tracer, name, { kind: spanKind, attributes }, fn),
    inject(headers) {
      propagation.inject(context.active(), headers);
    },
    storeObserver: (engine) => storeSpans(tracer, engine),
    registerHttp: (app) => httpSpans(app, tracer),
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** `fn` in a new active span, ended when it settles; a throw marks the span failed. */
function inSpan<T>(tracer: Tracer, name: string, options: SpanOptions, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await fn();
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** A client span per statement (its SQL text: parameters are never attached), an active span per transaction. */
function storeSpans(tracer: Tracer, engine: 'sqlite' | 'postgres'): StoreObserver {
  return {
    statement(kind, sql) {
      const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? kind;
      const span = tracer.startSpan(`${operation} ${engine}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': engine === 'postgres' ? 'postgresql' : 'sqlite', 'db.operation.name': operation, 'db.query.text': sql },
      });
      return (error) => {
        if (error !== undefined) fail(span, error);
        span.end();
      };
    },
    transaction: (run) => inSpan(tracer, `transaction ${engine}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': engine === 'postgres' ? 'postgresql' : 'sqlite' } }, run),
    waited() {},
  };
}

/**
 * A server span per request. Fastify runs hooks one after another without a function
 * that wraps them all, so the span's context is entered twice: at the first hook
 * (auth resolution runs in it) and again before the handler (the body parser's stream
 * events would otherwise have dropped it).
 */
function httpSpans(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'url.path': request.url.split('?')[0]!,
        ...(route ? { 'http.route': route } : {}),
        'network.peer.address': request.socket.remoteAddress ?? '',
      },
    }, parent);
    const ctx = trace.setSpan(parent, span);
    spans.set(request, { span, ctx });
    context.with(ctx, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = spans.get(request);
    if (entry) context.with(entry.ctx, done);
    else done();
  });
  app.addHook('onError', (request, _reply, error, done) => {
    const entry = spans.get(request);
    if (entry) fail(entry.span, error);
    done();
  });
  const end = (request: FastifyRequest, status?: number) => {
    const entry = spans.get(request);
    if (!entry) return;
    spans.delete(request);
    if (status !== undefined) {
      entry.span.setAttribute('http.response.status_code', status);
      if (status >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    entry.span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request);
    done();
  });
}
