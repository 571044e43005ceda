/**
 * PostgreSQL with pgvector for tests: PGlite (PostgreSQL compiled to WASM) with its
 * pgvector extension, served over the PostgreSQL wire protocol on 127.0.0.1 so Galley
 * connects with its normal `pg` driver. PGlite is one session: the socket server
 * multiplexes connections onto it, so Galley
 * runs with a pool of one connection there (its LISTEN connections come on top).
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface PgliteServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPgliteWithPgvector(): Promise<PgliteServer> {
  return startPglite({ pgvector: true });
}

/** A PGlite server, in memory or on a data directory (to stop and start it again, with or without pgvector). */
export async function startPglite(options: { pgvector: boolean; dataDir?: string }): Promise<PgliteServer> {
  const db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.pgvector ? { extensions: { vector } } : {}) });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 50 });
  await server.start();
  // Prepared statements live in the one session, not per client: a client that goes (the
  // pool closes idle ones) takes its statements along, as on a real server, so the next
  // client may prepare the same names again.
  const net = (server as unknown as { server: import('node:net').Server }).server;
  net.on('connection', (socket) => socket.on('close', () => void db.query('DEALLOCATE ALL').catch(() => {})));
  const port = Number(String(server.getServerConn()).split(':').pop());
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
