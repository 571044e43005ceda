// Bundles the published entry points with esbuild after `tsc -p tsconfig.build.json`:
// dist/cli/main.js (the `galley` command) and dist/index.js (the library, and what a
// hook file's `import 'galley'` resolves to) replace tsc's copies of themselves. Their
// shared code goes to dist/chunks/, so the CLI and the hooks it loads share one module
// instance (one ApiError class), and every dynamic import() stays a chunk of its own,
// loaded when first used. Start-up reads a few files instead of ~800 (docs/benchmarks.md).
//
// The rest of tsc's output stays beside them (the .d.ts types; nothing runs from it).
// Paths found through import.meta.url ('../web', '../../package.json', '../index.js')
// resolve alike from dist/cli/, dist/chunks/ and tsc's dist/<dir>/: one level below dist.
// A module started by path (`new Worker(new URL('./x.js', import.meta.url))`) must be
// listed in THREADS so that a copy of it sits beside the chunks.
//
//   node scripts/bundle.mjs [outdir]     (default dist)
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';

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
  'validator', 'busboy', 'randexp', 'pg', 'yauzl', 'yazl',
]);

/**
 * Never bundled, even when a bundled package imports them: native addons, packages that
 * find files next to themselves, and what a bundled package loads only when asked
 * (Fastify's schema compilers, see server/lazy-schema-compilers.ts, and inject()).
 */
const NEVER = new Set([
  'pg-native', 'pino', 'pino-pretty', 'thread-stream',
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

rmSync(`${OUT}/chunks`, { recursive: true, force: true });
await build({
  entryPoints: {
    'cli/main': 'src/cli/main.ts',
    index: 'src/index.ts',
    ...Object.fromEntries(THREADS.map((f) => [`chunks/${f.replace(/^.*\//, '').replace(/\.ts$/, '')}`, f])),
  },
  outdir: OUT,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [choosePackages],
  // Bundled CommonJS packages call require() for externals and Node built-ins.
  banner: { js: "import { createRequire as __galleyCreateRequire } from 'node:module'; const require = __galleyCreateRequire(import.meta.url);" },
  // Maps beside the files for tools, without a sourceMappingURL: Node would parse
  // megabytes of map at start whenever source maps are enabled.
  sourcemap: 'external',
  legalComments: 'none',
  // Less text to read and parse at start (names are kept, so stack traces still name functions).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
