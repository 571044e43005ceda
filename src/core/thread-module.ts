/**
 * Where a worker thread's module is, for `new Worker(url)`: the build's JavaScript
 * (tsc's copy beside the caller, or the bundle's copy beside a chunk, see THREADS in
 * scripts/bundle.mjs), or, when running from the TypeScript sources (the tests), the
 * source bundled by esbuild into node_modules/.cache/galley/ (one file per content,
 * shared by every process running the same sources), where its npm imports resolve.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const found = new Map<string, Promise<URL>>();

/**
 * callerUrl: the `import.meta.url` of a module in `src/<dir>/`; name: the thread
 * module's file name there, without extension.
 */
export function threadModuleUrl(callerUrl: string, dir: string, name: string): Promise<URL> {
  const key = `${dir}/${name}`;
  let url = found.get(key);
  if (!url) {
    url = locate(callerUrl, dir, name);
    url.catch(() => found.delete(key)); // a failed bundling is tried again next time
    found.set(key, url);
  }
  return url;
}

async function locate(callerUrl: string, dir: string, name: string): Promise<URL> {
  // Beside the caller (tsc's output or a bundled chunk), or, from a chunk (dist/chunks/), in tsc's dist/<dir>/.
  const built = [new URL(`./${name}.js`, callerUrl), new URL(`../${dir}/${name}.js`, callerUrl)].find((u) => existsSync(fileURLToPath(u)));
  if (built) return built;
  const source = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
  const cache = fileURLToPath(new URL('../../node_modules/.cache/galley/', import.meta.url));
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [source], write: false, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent' });
  const code = result.outputFiles[0]!.contents;
  const out = join(cache, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(out)) {
    mkdirSync(cache, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, out);
  }
  return pathToFileURL(out);
}
