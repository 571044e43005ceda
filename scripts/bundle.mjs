// Bundles Galley with esbuild after `tsc -p tsconfig.build.json`, into one CommonJS file,
// dist/chunks/galley-<hash>.cjs (galley-bundle.ts: the library and the command line):
//   - dist/cli/main.js (the `galley` command, cli/start.ts) loads it with V8's code cache
//     (cli/bundle-loader.ts): a start reads bytecode instead of compiling (docs/benchmarks.md);
//   - dist/index.js (the library, and what a hook file's `import 'galley'` resolves to)
//     re-exports it: the CLI and the hooks it loads share one module instance (one
//     ApiError class). A dynamic import() inside stays lazy: evaluated when first used.
//
// The rest of tsc's output stays beside them (the .d.ts types; nothing runs from it).
// Paths found through import.meta.url ('../web', '../../package.json', '../index.js')
// resolve alike from dist/cli/, dist/chunks/ and tsc's dist/<dir>/: one level below dist.
// A module started by path (`new Worker(new URL('./x.js', import.meta.url))`) must be
// listed in THREADS so that a copy of it (ESM) sits beside the bundle.
//
//   node scripts/bundle.mjs [outdir]     (default dist)
import { build } from 'esbuild';
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** The output directory: dist, or another build's (a copy to test, to compare). */
const OUT = process.argv[2] ?? 'dist';

/**
 * The packages Galley's own code imports that are bundled: those on the way to serving
 * the first request (and what they import). Every other package is left to Node's
 * resolution at run time, so a package added later (with native code, workers started
 * from its own directory, or simply large and optional) works unbundled until listed.
 */
const BUNDLED = new Set([
  'fastify', 'find-my-way', 'commander', 'prom-client', '@opentelemetry/api', 'croner', 'jose',
  'validator', 'busboy', 'randexp', 'pg', 'yauzl', 'yazl', 'pino', 'better-sqlite3',
]);

/**
 * Never bundled, even when a bundled package imports them: native addons, packages that
 * find files next to themselves, and what a bundled package loads only when asked
 * (Fastify's schema compilers, see server/lazy-schema-compilers.ts, and inject()).
 */
const NEVER = new Set([
  'pg-native', 'pino-pretty', 'thread-stream', 'bindings',
  '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request',
]);

/** Worker threads started from a file path: bundled on their own beside the chunks. */
const THREADS = ['src/extraction/extract-thread.ts', 'src/logs/sqlite-log-thread.ts', 'src/logs/postgres-log-thread.ts'].filter((f) => existsSync(f));

const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

const choosePackages = {
  name: 'choose-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return undefined;
      const name = packageName(args.path);
      if (NEVER.has(name)) return { path: args.path, external: true };
      // What a bundled package needs comes with it; Galley's own imports only when listed.
      if (args.importer.includes('/node_modules/') || BUNDLED.has(name)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * better-sqlite3 finds its compiled addon with the `bindings` package, which searches
 * from the calling file's package: from a bundle, not better-sqlite3's. Its own build
 * directory is named instead (`bindings` given the package's root if it is elsewhere).
 * A new better-sqlite3 that loads its addon otherwise fails the build here, not at run time.
 */
const SQLITE_ADDON = "require('bindings')('better_sqlite3.node')";
const sqliteAddon = {
  name: 'better-sqlite3-addon',
  setup(b) {
    b.onLoad({ filter: /node_modules\/better-sqlite3\/lib\/database\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(SQLITE_ADDON)) throw new Error(`bundle.mjs: ${args.path} no longer loads its addon with ${SQLITE_ADDON}`);
      // Resolved at run time from the bundle's directory (a name in a variable: esbuild leaves it alone).
      const addon = "((p) => { try { return require(require.resolve(p + '/build/Release/better_sqlite3.node')); } " +
        "catch { return require('bindings')({ bindings: 'better_sqlite3.node', module_root: require('path').dirname(require.resolve(p + '/package.json')) }); } })('better-sqlite3')";
      return { contents: source.replace(SQLITE_ADDON, addon), loader: 'js' };
    });
  },
};

/** What every build shares: Node 20, and less text to read at start. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  plugins: [choosePackages, sqliteAddon],
  // Maps beside the files for tools, without a sourceMappingURL: Node would parse
  // megabytes of map at start whenever source maps are enabled.
  sourcemap: 'external',
  legalComments: 'none',
  // Names are kept, so stack traces still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

rmSync(`${OUT}/chunks`, { recursive: true, force: true });

// Galley, one CommonJS file named by its content (the code cache is keyed by the name).
const galley = await build({
  ...COMMON,
  entryPoints: ['src/galley-bundle.ts'],
  outfile: `${OUT}/chunks/galley.cjs`,
  format: 'cjs',
  metafile: true,
  // import.meta.url of the ESM sources: the bundle's own URL (it sits one level below dist, as they did).
  define: { 'import.meta.url': '__galleyModuleUrl' },
  // import() of a package or an app file, see importThroughLoader below.
  banner: { js: "const __galleyModuleUrl = require('node:url').pathToFileURL(__filename).href, __galleyImport = typeof __galleyLoaderImport === 'function' ? __galleyLoaderImport : (specifier) => import(specifier);" },
});
importThroughLoader(`${OUT}/chunks/galley.cjs`, galley.metafile);
const bundled = readFileSync(`${OUT}/chunks/galley.cjs`);
if (!isAscii(bundled)) {
  // esbuild escapes strings, not regular expression literals: write those with \u escapes.
  const at = bundled.findIndex((b) => b > 127);
  console.warn(`bundle.mjs: the bundle is not ASCII (near "${bundled.subarray(Math.max(0, at - 40), at + 10).toString()}"): it will load slower (src/cli/bundle-loader.ts)`);
}
const hash = createHash('sha256').update(bundled).digest('hex').slice(0, 12).toUpperCase();
const BUNDLE = `galley-${hash}.cjs`;
renameSync(`${OUT}/chunks/galley.cjs`, `${OUT}/chunks/${BUNDLE}`);
renameSync(`${OUT}/chunks/galley.cjs.map`, `${OUT}/chunks/${BUNDLE}.map`);

// The command, and the library's ESM face over the same file.
await build({ ...COMMON, entryPoints: { 'cli/main': 'src/cli/start.ts' }, outdir: OUT, format: 'esm', define: { GALLEY_BUNDLE: JSON.stringify(BUNDLE) } });
writeFileSync(`${OUT}/index.js`, `// Galley as a library: the build's bundle (scripts/bundle.mjs).\nexport * from './chunks/${BUNDLE}';\n`);

// Worker threads, ESM files of their own beside the bundle.
if (THREADS.length > 0) {
  await build({
    ...COMMON,
    entryPoints: Object.fromEntries(THREADS.map((f) => [f.replace(/^.*\//, '').replace(/\.ts$/, ''), f])),
    outdir: `${OUT}/chunks`,
    chunkNames: '[name]-[hash]',
    splitting: true,
    format: 'esm',
    // Bundled CommonJS packages call require() for externals and Node built-ins.
    banner: { js: "import { createRequire as __galleyCreateRequire } from 'node:module'; const require = __galleyCreateRequire(import.meta.url);" },
  });
}

/**
 * The bundle's own import() calls (of packages left outside it, and of app files by URL)
 * become calls of `__galleyImport`: the loader's import() when the CLI compiled the bundle
 * through node:vm, Node's own otherwise (the banner). Node 20 loses the import() callback
 * of a function read back from a code cache ("A dynamic import callback was not
 * specified"), so none may run inside the bundle. The literal ones must be exactly those
 * esbuild left external, so that no text in a string is touched unnoticed.
 */
function importThroughLoader(file, metafile) {
  const [banner, ...lines] = readFileSync(file, 'utf8').split('\n');
  // `import(x)`, not `a.import(x)` (a call of a method so named) nor `import(x){` (its definition).
  const IMPORT_CALL = /(?<![\w$.])import\((?=("[^"\\]*"|[A-Za-z_$][\w$]*)\)(?!\s*\{))/g;
  const body = lines.join('\n');
  const found = new Set([...body.matchAll(IMPORT_CALL)].filter((m) => m[1].startsWith('"')).map((m) => JSON.parse(m[1])));
  const [output] = Object.values(metafile.outputs).filter((o) => o.entryPoint);
  const external = new Set(output.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path));
  const same = found.size === external.size && [...found].every((p) => external.has(p));
  if (!same) throw new Error(`bundle.mjs: import() calls in the bundle (${[...found].join(', ')}) differ from esbuild's dynamic imports (${[...external].join(', ')})`);
  const rewritten = body.replace(IMPORT_CALL, '__galleyImport(');
  // What is left must be method definitions (`import(a, b){`): an import() of another form would fail at run time.
  const left = [...rewritten.matchAll(/(?<![\w$.])import\(([^()]*)\)(\s*\{)?/g)].filter((m) => !m[2]);
  if (left.length > 0) throw new Error(`bundle.mjs: import() calls of a form not rewritten: ${left.map((m) => m[0]).join(', ')}`);
  writeFileSync(file, `${banner}\n${rewritten}`);
}
