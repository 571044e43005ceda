/**
 * Loads an app file (a migration, a hook) written in TypeScript or JavaScript:
 * esbuild bundles it to one ESM file (its relative imports included, npm packages left
 * as imports), which is then imported. A syntax error is reported with file, line and
 * column, never as a stack trace.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Message, Plugin } from 'esbuild';

/**
 * `import ... from 'galley'` in an app file means the Galley that is running it, not
 * whatever copy the app directory may (or may not) have installed: one module
 * instance, so ApiError, types and helpers are the running ones.
 */
const SELF = ['../index.js', '../index.ts'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
const galleyItself: Plugin = {
  name: 'galley-itself',
  setup(b) {
    if (SELF) b.onResolve({ filter: /^galley$/ }, () => ({ path: SELF, external: true }));
  },
};


/** The file could not be compiled or its top-level code threw. */
export class ModuleLoadError extends Error {}

export async function loadModule(path: string): Promise<Record<string, unknown>> {
  // Errors thrown by app code point at its own .ts lines (the compiled copy carries an
  // inline source map). Switched on with the first app file rather than at import:
  // from then on Node reads the source map of every module it loads.
  process.setSourceMapsEnabled(true);
  const file = resolve(path);
  const code = await compile(file);
  // Written beside the source so that its npm imports resolve from the app's
  // node_modules; a unique name so a changed file is imported afresh (hook reloads).
  const tmp = resolve(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  let url: string;
  try {
    writeFileSync(tmp, code);
    url = pathToFileURL(tmp).href;
  } catch {
    // A read-only app directory: a data URL still serves relative and node: imports.
    url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new ModuleLoadError(`cannot load ${file}: ${(err as Error).message ?? String(err)}`);
  } finally {
    if (url.startsWith('file:')) rmSync(tmp, { force: true });
  }
}

async function compile(file: string): Promise<string> {
  try {
    // Loaded when a hook or migration file is first compiled (about 16 MiB), not at start.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [galleyItself],
    });
    return result.outputFiles[0]!.text;
  } catch (err) {
    const first = (err as { errors?: Message[] }).errors?.[0];
    if (!first) throw new ModuleLoadError(`cannot compile ${file}: ${(err as Error).message}`);
    throw new ModuleLoadError(describeMessage(file, first));
  }
}

/** "/app/galley_migrations/1_x.ts:3:14: Expected ";" but found "posts"" (1-based column). */
function describeMessage(entry: string, message: Message): string {
  const loc = message.location;
  if (!loc) return `cannot compile ${entry}: ${message.text}`;
  return `${resolve(loc.file)}:${loc.line}:${loc.column + 1}: ${message.text}`;
}
