/**
 * Loads the build's CommonJS bundle of Galley (dist/chunks/galley-<hash>.cjs) with V8's
 * code cache, as Node 22's module.enableCompileCache() would (Node 20 has none): the
 * bytecode of every function compiled during the previous start is read back instead
 * of parsing and compiling a megabyte and a half of JavaScript again (docs/benchmarks.md,
 * "Start-up"). Without a usable cache the bundle compiles as usual, and a cache is
 * written once this process has run for a few seconds: a server that has started and
 * answered, whose functions are those the next start needs. A short command (`superuser
 * create`, `--version`) writes none: its cache would lack the server's functions.
 *
 * The module is entered in Node's CommonJS cache under its own file name, so that
 * dist/index.js (`export * from` the same file, what a hook's `import 'galley'` loads)
 * is this very instance: one ApiError class, one set of registries.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Node's CommonJS internals used here: stable for a decade, not in @types/node. */
type ModuleInternals = typeof Module & {
  _cache: Record<string, Module>;
  _nodeModulePaths(dir: string): string[];
};

/** The caller's import(): a real module's, whose callback Node keeps. */
export type Importer = (specifier: string) => Promise<unknown>;

/** How long the process runs before its cache is written: a server has started and answered by then. */
const WRITE_AFTER_MS = 4_000;

/**
 * file: a CommonJS file whose name carries a hash of its content (the code cache is
 * only checked by V8 against the source's length). importer: import() as the caller
 * does it (Node 20 loses the callback of an import() compiled in node:vm and read back
 * from a cache).
 */
export function loadBundle(file: string, importer: Importer): Record<string, unknown> {
  const bytes = readFileSync(file);
  // esbuild writes ASCII (scripts/bundle.mjs warns otherwise): read as Latin-1 in a tenth of
  // a millisecond, where Node 20's UTF-8 decoding of 1.5 MB takes 10–20 ms.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const caches = cacheFiles(file);
  const cachedData = readFirst(caches);
  // The bundle's import() calls go through __galleyLoaderImport (scripts/bundle.mjs, importThroughLoader).
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __galleyLoaderImport) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const internals = Module as ModuleInternals;
  const module = new Module(file);
  module.filename = file;
  module.paths = internals._nodeModulePaths(dirname(file));
  internals._cache[file] = module;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string, importer: Importer) => void;
  try {
    run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importer);
  } catch (err) {
    delete internals._cache[file];
    throw err;
  }
  module.loaded = true;
  if (!cachedData || script.cachedDataRejected) writeLater(script, caches);
  return module.exports as Record<string, unknown>;
}

/**
 * Beside the bundle, else in the user's own cache directory (an installation may be
 * read-only; never a shared directory such as /tmp: a cache is code, whoever wrote it
 * would run it); one per Node version and set of flags, which V8 would otherwise refuse.
 */
function cacheFiles(file: string): string[] {
  const flags = createHash('sha256').update(`${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`).digest('hex').slice(0, 12);
  const name = `${basename(file)}.${process.version}-${process.arch}-${flags}.v8cache`;
  const userCache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return [join(dirname(file), name), join(userCache, 'galley', name)];
}

function readFirst(files: string[]): Buffer | undefined {
  for (const f of files) {
    try {
      return readFileSync(f);
    } catch {
      // not there (yet)
    }
  }
  return undefined;
}

/** Once, in the background; never a failure of the process. */
function writeLater(script: Script, files: string[]): void {
  const write = (): void => {
    const data = script.createCachedData();
    for (const f of files) {
      const tmp = `${f}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(tmp, data);
        renameSync(tmp, f); // whole or not at all, with other processes writing the same file
        return;
      } catch {
        rmSync(tmp, { force: true }); // not writable here: the next place
      }
    }
  };
  setTimeout(write, WRITE_AFTER_MS).unref();
}
