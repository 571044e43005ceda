/**
 * Tracing configuration from the standard OpenTelemetry environment: tracing is on when
 * an OTLP endpoint is given (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), unless `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none`. Pure: reads only the environment it is given.
 */
export interface TracingOptions {
  /** Where spans are sent (OTLP over HTTP, JSON). */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
  sampler: { kind: 'always_on' | 'always_off' | 'traceidratio'; parentBased: boolean; ratio: number };
  /** Batch export delay in ms (OTEL_BSP_SCHEDULE_DELAY). */
  scheduleDelayMs: number;
}

const SAMPLERS: Record<string, TracingOptions['sampler']['kind']> = { always_on: 'always_on', always_off: 'always_off', traceidratio: 'traceidratio' };

export function tracingOptions(env: NodeJS.ProcessEnv): TracingOptions | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER !== undefined && !env.OTEL_TRACES_EXPORTER.split(',').map((s) => s.trim()).includes('otlp')) return undefined;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (!base && !traces) return undefined;
  const url = traces || `${base!.replace(/\/+$/, '')}/v1/traces`;

  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase();
  const parentBased = name.startsWith('parentbased_');
  const kind = SAMPLERS[parentBased ? name.slice('parentbased_'.length) : name] ?? 'always_on';
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : 1;
  const delay = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  return {
    url,
    headers: parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS ?? ''),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'galley',
    sampler: { kind, parentBased: parentBased || !(name in SAMPLERS), ratio },
    scheduleDelayMs: Number.isFinite(delay) && delay > 0 ? delay : 5000,
  };
}

/** `key1=value1,key2=value2`, values %-decoded (the OTLP exporter convention). */
function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return out;
}
