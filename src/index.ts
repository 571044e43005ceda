/** Galley as a library: open the core and build the HTTP app in your own program. */
export { GalleyCore } from './core/galley-core.js';
export { buildApp } from './server/app.js';
export { resolveConfig, type GalleyConfig } from './config.js';
export { ApiError } from './core/errors.js';
