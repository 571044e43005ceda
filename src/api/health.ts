/** GET /api/health (API spec 8.2): note `code`, not `status`, in this one body. */
import type { FastifyInstance } from 'fastify';

export function registerHealthRoutes(app: FastifyInstance): void {
  const handler = async () => ({ message: 'API is healthy.', code: 200, data: {} });
  app.get('/api/health', handler);
}
