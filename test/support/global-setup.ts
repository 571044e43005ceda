/** Vitest global setup: one PostgreSQL server for the whole run (or GALLEY_TEST_PG_URL). */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.GALLEY_TEST_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    return;
  }
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
