/**
 * What the build's one CommonJS bundle (dist/chunks/galley-<hash>.cjs) holds: the library
 * (index.ts, re-exported by dist/index.js) and the command line, which dist/cli/main.js
 * runs. One bundle, so a hook's `import 'galley'` is the running instance.
 */
export * from './index.js';
export { runCli } from './cli/program.js';
