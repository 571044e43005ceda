/**
 * Fastify's schema compilers (ajv and fast-json-stringify, about 100 modules) loaded
 * when a route with a schema first needs them instead of when the server is built.
 * Galley's own routes have no schemas, so a server normally never loads them; a
 * Fastify plugin an embedding program adds (`app.http`) still gets the usual ones.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Controller = NonNullable<FastifyServerOptions['schemaController']>;
type Factories = NonNullable<Controller['compilersFactory']>;
/** A compiler factory as the packages export it: `(externalSchemas, options) => compiler`. */
type Factory = (schemas: unknown, options: unknown) => unknown;

/** Fastify's own dependencies, resolved from where fastify is installed. */
const fromFastify = (id: string): unknown => {
  const here = createRequire(import.meta.url);
  return createRequire(here.resolve('fastify'))(id);
};

let validator: Factory | undefined;
let serializer: Factory | undefined;

const buildValidator: Factory = (schemas, options) => (validator ??= (fromFastify('@fastify/ajv-compiler') as () => Factory)())(schemas, options);
const buildSerializer: Factory = (schemas, options) => (serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => Factory)())(schemas, options);

export const LAZY_SCHEMA_COMPILERS: Controller = {
  compilersFactory: { buildValidator, buildSerializer } as unknown as Factories,
};
