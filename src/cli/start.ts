#!/usr/bin/env node
/**
 * The built `galley` command (dist/cli/main.js, see scripts/bundle.mjs): Galley is one
 * CommonJS bundle, loaded with V8's code cache (bundle-loader.ts), and runs the command
 * line as `cli/main.ts` does from the sources.
 */
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';
import type { runCli } from './program.js';

/** The bundle's file name in dist/chunks/, set by scripts/bundle.mjs. */
declare const GALLEY_BUNDLE: string;

const bundle = fileURLToPath(new URL(`../chunks/${GALLEY_BUNDLE}`, import.meta.url));
// A package's or an app file's import(), from here: bare names resolve from the same node_modules.
const galley = loadBundle(bundle, (specifier) => import(specifier)) as { runCli: typeof runCli };
await galley.runCli(process.argv);
