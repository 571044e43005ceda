/**
 * The dashboard path `/_/`. The admin UI is its own piece of work; until it ships,
 * the path answers with a small page that says so, so that links printed at start
 * and in emails never lead to an error.
 */
import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Galley</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>Galley</h1><p>The API is running at <code>/api/</code>. The admin dashboard is not part of this build yet;
use the API or the <code>galley</code> command line to manage collections and superusers.</p></body></html>`;

export function registerDashboardRoutes(app: FastifyInstance): void {
  const send = async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
      .send(PAGE);
  app.get('/_/', send);
  app.get('/_', async (_req, reply) => reply.redirect('/_/', 301));
}
