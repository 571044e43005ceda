/**
 * The webhooks API, superusers only: declarations (the secret is in the creation and
 * rotation responses only), their deliveries with every attempt, and a manual retry.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { badRequest, notFound } from '../core/errors.js';
import { readBody } from '../server/body.js';
import { requireSuperuser } from './guards.js';
import { parseListParams } from './list-params.js';
import { publicWebhook, type Webhook } from '../webhooks/webhook-model.js';
import { publicDelivery } from '../webhooks/delivery-view.js';

type IdParams = { Params: { id: string } };

export function registerWebhookRoutes(app: FastifyInstance, core: GalleyCore): void {
  const webhooks = core.webhooks;
  const view = (w: Webhook) => publicWebhook(w, core.collections.find(w.collectionId)?.name);
  const find = async (id: string) => {
    const webhook = await webhooks.repo.byId(id);
    if (!webhook) throw notFound('Missing webhook.');
    return webhook;
  };
  const body = async (request: Parameters<typeof readBody>[0]) => {
    const { data } = await readBody(request);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw badRequest('The body must be a JSON object.');
    return data as Record<string, unknown>;
  };

  app.get('/api/webhooks', async (request) => {
    requireSuperuser(request);
    return (await webhooks.repo.all()).map(view);
  });

  app.post('/api/webhooks', async (request) => {
    requireSuperuser(request);
    const created = await webhooks.create(await body(request));
    return { ...view(created), secret: created.secret }; // shown this once
  });

  app.get<IdParams>('/api/webhooks/:id', async (request) => {
    requireSuperuser(request);
    return view(await find(request.params.id));
  });

  app.patch<IdParams>('/api/webhooks/:id', async (request) => {
    requireSuperuser(request);
    const current = await find(request.params.id);
    return view(await webhooks.update(current, await body(request)));
  });

  app.delete<IdParams>('/api/webhooks/:id', async (request, reply) => {
    requireSuperuser(request);
    if (!(await webhooks.delete(request.params.id))) throw notFound('Missing webhook.');
    return reply.code(204).send();
  });

  app.post<IdParams>('/api/webhooks/:id/secret', async (request) => {
    requireSuperuser(request);
    const webhook = await find(request.params.id);
    return { ...view(webhook), secret: await webhooks.repo.rotateSecret(webhook.id) };
  });

  app.get<IdParams>('/api/webhooks/:id/deliveries', async (request) => {
    requireSuperuser(request);
    const webhook = await find(request.params.id);
    const { page, perPage } = parseListParams(request.query as Record<string, unknown>);
    const { total, items } = await webhooks.deliveries.page(webhook.id, page, perPage);
    return { page, perPage, totalItems: total, totalPages: Math.ceil(total / perPage), items: items.map(publicDelivery) };
  });

  app.post<{ Params: { id: string; deliveryId: string } }>('/api/webhooks/:id/deliveries/:deliveryId/retry', async (request, reply) => {
    requireSuperuser(request);
    const webhook = await find(request.params.id);
    const delivery = await webhooks.deliveries.byId(webhook.id, request.params.deliveryId);
    if (!delivery) throw notFound('Missing delivery.');
    if (!(await webhooks.deliveries.retry(webhook.id, delivery.id))) throw badRequest('The delivery is being sent; try again later.');
    webhooks.kick();
    return reply.code(204).send();
  });
}
