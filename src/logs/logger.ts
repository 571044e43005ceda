/**
 * The one application logger of a Galley process: JSON lines on stdout (pino), or
 * human-readable lines in `--dev` / on a TTY (pino-pretty), at the level of
 * `--logLevel` / `GALLEY_LOG_LEVEL`. A Logger may also hand its lines to a sink (the
 * log store of one Galley instance: `app.logger` in hooks, Galley's own warnings), so
 * application lines show up in `/api/logs` as PocketBase's `app.Logger()` lines do.
 *
 * Levels are pino's on stdout and slog's (PocketBase's) in the store:
 * debug -4, info 0, warn 4, error 8.
 */
import { pino, type Logger as Pino, type DestinationStream } from 'pino';

export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];
type Method = 'debug' | 'info' | 'warn' | 'error';

/** slog's numbers, which PocketBase stores and its dashboard shows. */
export const SLOG_LEVELS: Record<Method, number> = { debug: -4, info: 0, warn: 4, error: 8 };

export type LogAttrs = Record<string, unknown>;

/** Where a Logger's lines go besides stdout (the instance's log store). */
export interface LogSink {
  /** Accepts a line at this slog level (settings `logs.minLevel`, `maxDays`). */
  accepts(level: number): boolean;
  add(level: number, message: string, data: LogAttrs): void;
}

/**
 * Never printed, whatever a caller passes as attributes: credentials in headers and
 * the secret fields of request bodies (fast-redact paths; wildcards cost only on lines
 * actually written, and application lines are rare).
 */
const REDACT_PATHS = [
  'authorization', 'cookie', 'password', 'passwordConfirm', 'oldPassword', 'otp', 'token', 'access_token', 'code', 'state',
  '*.authorization', '*.cookie', '*.password', '*.passwordConfirm', '*.oldPassword', '*.otp', '*.token', '*.access_token',
  'headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]',
];

export interface LoggerConfig {
  level?: LogLevelName;
  /** Human-readable lines instead of JSON. */
  pretty?: boolean;
  /** Where lines go; stdout when absent (tests pass a stream). */
  destination?: DestinationStream;
}

let root: Pino = build({});

function build(config: LoggerConfig, pretty?: DestinationStream): Pino {
  const level = config.level ?? envLevel() ?? 'info';
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    // Synchronous: lines are few (requests are on stdout only at debug), and none may be
    // lost when the process exits right after writing them.
    pretty ?? config.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** GALLEY_LOG_LEVEL when it names a level. */
function envLevel(): LogLevelName | undefined {
  const env = process.env.GALLEY_LOG_LEVEL?.trim().toLowerCase();
  return env && (LOG_LEVEL_NAMES as readonly string[]).includes(env) ? (env as LogLevelName) : undefined;
}

export function parseLogLevel(value: string): LogLevelName {
  const v = value.trim().toLowerCase();
  if (!(LOG_LEVEL_NAMES as readonly string[]).includes(v)) throw new Error(`unknown log level "${value}" (one of ${LOG_LEVEL_NAMES.join(', ')})`);
  return v as LogLevelName;
}

/** Sets up the process's logger (the CLI does, once, before anything logs). */
export async function configureLogger(config: LoggerConfig): Promise<void> {
  if (config.pretty && !config.destination) {
    // Loaded only when wanted: pino-pretty and its colour code are not needed in production.
    const { default: pretty } = await import('pino-pretty');
    root = build(config, pretty({ colorize: process.stdout.isTTY === true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  } else {
    root = build(config);
  }
}

/** True when lines of this level reach stdout (checked before building costly attributes). */
export function stdoutEnabled(level: Method): boolean {
  return root.isLevelEnabled(level);
}

export class Logger {
  constructor(private readonly sink?: LogSink, private readonly bindings?: LogAttrs) {}

  debug(message: string, attrs?: LogAttrs): void { this.write('debug', message, attrs); }
  info(message: string, attrs?: LogAttrs): void { this.write('info', message, attrs); }
  warn(message: string, attrs?: LogAttrs): void { this.write('warn', message, attrs); }
  error(message: string, attrs?: LogAttrs): void { this.write('error', message, attrs); }

  /** The same logger with these attributes on every line (e.g. a request id). */
  child(bindings: LogAttrs): Logger {
    return new Logger(this.sink, { ...this.bindings, ...bindings });
  }

  /** The same bindings, writing to another sink (one Galley instance's log store). */
  withSink(sink: LogSink | undefined): Logger {
    return new Logger(sink, this.bindings);
  }

  private write(method: Method, message: string, attrs: LogAttrs | undefined): void {
    const all = this.bindings ? { ...this.bindings, ...attrs } : attrs;
    if (root.isLevelEnabled(method)) root[method](all ? serializable(all) : {}, String(message));
    const level = SLOG_LEVELS[method];
    if (this.sink?.accepts(level)) this.sink.add(level, String(message), all ? serializable(all) : {});
  }
}

/** Errors become `{message, stack}` objects: JSON.stringify would make them `{}`. */
function serializable(attrs: LogAttrs): LogAttrs {
  let out: LogAttrs | undefined;
  for (const key in attrs) {
    const value = attrs[key];
    if (value instanceof Error) {
      out ??= { ...attrs };
      out[key] = { message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
    }
  }
  return out ?? attrs;
}

/** The process's logger without a store (modules that log before or outside an instance). */
export const log = new Logger();

/** An error as one line of text (the message and where it was thrown). */
export function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
