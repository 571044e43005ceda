#!/usr/bin/env node
/**
 * The `galley` command from the TypeScript sources. The build's `dist/cli/main.js` is
 * `cli/start.ts` instead: the same program, loaded from one bundle with V8's code cache.
 */
import { runCli } from './program.js';

await runCli(process.argv);
