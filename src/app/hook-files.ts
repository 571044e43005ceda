/**
 * `galley_hooks/*.ts` (and `.js`): each file's default export is a function that
 * receives the app and registers hooks, routes and jobs on it. TypeScript is compiled
 * at load time (esbuild, through load-module.ts). A file that fails to load stops the
 * first start with its file and line; in --dev the files are reloaded on change, and a
 * reload that fails keeps the last good set running.
 */
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModule } from './load-module.js';
import type { GalleyApp } from './galley-app.js';
import { HOOK_NAMES } from '../hooks/hook-names.js';

const HOOK_FILE = /^[^.].*\.(ts|js|mts|mjs)$/;
const RELOAD_DELAY_MS = 150;

/** The app as a hook file sees it: the same methods, with every registration remembered for a reload. */
function scopedApp(app: GalleyApp, undo: (() => void)[]): GalleyApp {
  const scoped = Object.create(app) as Record<string, unknown>;
  const track = (fn: (...args: never[]) => () => void) => (...args: never[]) => {
    const remove = fn.apply(app, args);
    undo.push(remove);
    return remove;
  };
  for (const name of [...HOOK_NAMES, 'route', 'cron'] as const)
    scoped[name] = track((app as unknown as Record<string, (...args: never[]) => () => void>)[name]!);
  return scoped as unknown as GalleyApp;
}

export class HookFiles {
  private current: (() => void)[] = [];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly app: GalleyApp, readonly dir: string, private readonly log: (message: string) => void) {
    this.dir = resolve(dir);
  }

  files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => HOOK_FILE.test(f) && !f.endsWith('.d.ts')).sort();
  }

  /** Loads every file; on failure nothing of the new set stays registered and the error (file:line) is thrown. */
  async load(): Promise<string[]> {
    const undo: (() => void)[] = [];
    const scoped = scopedApp(this.app, undo);
    const files = this.files();
    try {
      for (const file of files) {
        const path = join(this.dir, file);
        const mod = await loadModule(path);
        const register = mod.default;
        if (typeof register !== 'function') throw new Error(`${path}: the default export must be a function (app) => { ... }`);
        try {
          await (register as (app: GalleyApp) => unknown)(scoped);
        } catch (err) {
          throw new Error(`${path}: ${describeRuntimeError(err, file)}`);
        }
      }
    } catch (err) {
      for (const remove of undo) remove();
      throw err;
    }
    for (const remove of this.current) remove();
    this.current = undo;
    return files;
  }

  /** In --dev: reload on every change of the directory; a failed reload keeps the previous set. */
  watch(): void {
    if (!existsSync(this.dir)) return;
    this.watcher = watch(this.dir, (_event, name) => {
      // Dotfiles include the compiled copies load-module.ts writes beside a source for a moment.
      if (name && (name.startsWith('.') || !HOOK_FILE.test(name))) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.load().then(
          (files) => this.log(`Reloaded hooks: ${files.join(', ') || '(none)'}`),
          (err: Error) => this.log(`Error: hooks not reloaded, the previous version keeps running: ${err.message}`),
        );
      }, RELOAD_DELAY_MS);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}

/** "message (at file.ts:12:5)" from the first stack frame in the hook file. */
function describeRuntimeError(err: unknown, file: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error ? err.stack ?? '' : '';
  const frame = stack.split('\n').find((line) => line.includes(file));
  const where = frame ? /([^/\\(]+:\d+:\d+)\)?\s*$/.exec(frame)?.[1] : undefined;
  return where ? `${message} (at ${where})` : message;
}
