/**
 * Runtime configuration: command-line flags first, then GALLEY_* environment
 * variables, then defaults. Validated here so every problem is one clear line.
 */
import { resolve } from 'node:path';

export interface GalleyConfig {
  /** Host and port to listen on. */
  host: string;
  port: number;
  /** Data directory (SQLite database, later files and logs). */
  dir: string;
  /** PostgreSQL connection URL; empty = embedded SQLite in dir. */
  db: string;
  /** Collect Prometheus metrics (GET /api/metrics); GALLEY_METRICS=off switches them off. */
  metrics: boolean;
}

export class ConfigError extends Error {}

export const DEFAULT_HTTP = '127.0.0.1:8090';
export const DEFAULT_DIR = './galley_data';

export function parseHttpAddress(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`invalid --http address "${value}": expected HOST:PORT, e.g. 127.0.0.1:8090`);
  const host = m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0';
  return { host, port };
}

export function validateDbUrl(value: string): string {
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`invalid --db URL "${redactUrl(value)}": expected postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new ConfigError(`unsupported --db URL scheme "${url.protocol}": only postgres:// is supported (omit --db for SQLite)`);
  return value;
}

/** A database URL with its password removed, for messages and logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/:[^:@/]*@/, ':***@');
  }
}

export function resolveConfig(flags: { http?: string; dir?: string; db?: string }, env: NodeJS.ProcessEnv = process.env): GalleyConfig {
  const { host, port } = parseHttpAddress(flags.http ?? env.GALLEY_HTTP ?? DEFAULT_HTTP);
  const dir = resolve(flags.dir ?? env.GALLEY_DIR ?? DEFAULT_DIR);
  const db = validateDbUrl(flags.db ?? env.GALLEY_DB ?? '');
  return { host, port, dir, db, metrics: !/^(off|false|0|no)$/i.test(env.GALLEY_METRICS?.trim() ?? '') };
}
