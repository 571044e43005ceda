/**
 * Routes added by server-side code (`app.route('GET', '/api/hello/:name', handler)`),
 * served for any request no built-in route matched. Kept in their own router so that
 * hook files can be reloaded in --dev: their routes are removed and added again, which
 * Fastify cannot do for its own routes once listening.
 */
import FindMyWay from 'find-my-way';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { createRouteEvent, sendResult, type RouteHandler } from './route-event.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type RouteMethod = (typeof METHODS)[number];

interface CustomRoute {
  method: RouteMethod;
  path: string;
  handler: RouteHandler;
}

export class CustomRoutes {
  private routes: CustomRoute[] = [];
  private router = FindMyWay<FindMyWay.HTTPVersion.V1>();

  /** Adds a route (a later one with the same method and path replaces it); returns its removal. */
  add(method: string, path: string, handler: RouteHandler): () => void {
    const m = method.toUpperCase() as RouteMethod;
    if (!METHODS.includes(m)) throw new Error(`route: unsupported method "${method}"`);
    if (!path.startsWith('/')) throw new Error(`route: the path must start with "/" (got "${path}")`);
    const route = { method: m, path, handler };
    this.routes = [...this.routes.filter((r) => !(r.method === m && r.path === path)), route];
    this.rebuild();
    return () => {
      this.routes = this.routes.filter((r) => r !== route);
      this.rebuild();
    };
  }

  private rebuild(): void {
    const router = FindMyWay<FindMyWay.HTTPVersion.V1>({ ignoreTrailingSlash: false, maxParamLength: 500 });
    for (const r of this.routes) router.on(r.method, r.path, () => {}, { route: r });
    this.router = router;
  }

  /** Serves the request when a custom route matches; false otherwise (a 404 then). */
  async handle(core: GalleyCore, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const path = request.url.split('?')[0]!;
    const found = this.router.find(request.method as RouteMethod, path);
    if (!found) return false;
    const route = (found.store as { route: CustomRoute }).route;
    const event = createRouteEvent(core, request, reply, found.params as Record<string, string>);
    await sendResult(reply, await route.handler(event));
    return true;
  }
}
