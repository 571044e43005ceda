/**
 * Traces, opt-in (docs/observability.md). The rest of Galley calls `traced()` and
 * reads `activeTracing()`; both cost a variable check when tracing is off, and the
 * OpenTelemetry SDK is only loaded (start-tracing.ts) when the environment asks for it.
 * Tracing is process-wide, as OpenTelemetry's global provider is.
 */
import type { Attributes, SpanKind } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { StoreObserver } from '../store/store-observer.js';

export interface Tracing {
  /** Runs `fn` in a new span, a child of the active one. */
  span<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind?: SpanKind): Promise<T>;
  /** The W3C trace context of the active span, for an outgoing request. */
  inject(headers: Record<string, string>): void;
  /** A span per statement and transaction. */
  storeObserver(engine: 'sqlite' | 'postgres'): StoreObserver;
  /** A server span per request, continuing an incoming `traceparent`. Register before any other hook. */
  registerHttp(app: FastifyInstance): void;
  /** Sends the spans still buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

export const activeTracing = (): Tracing | undefined => active;

export function setActiveTracing(tracing: Tracing | undefined): void {
  active = tracing;
}

/** `fn` in a span when tracing is on; `fn` alone otherwise. */
export function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return active ? active.span(name, attributes, fn) : fn();
}
