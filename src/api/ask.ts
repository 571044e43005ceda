/**
 * `POST /api/collections/{c}/ask` (docs/ai.md, "Answers"): an answer from a chat model
 * over the passages of the collection the caller may see, with its citations. As JSON,
 * or with `stream: true` as Server-Sent Events: `citations`, then `delta`s, then `done`
 * or `error`. A client that goes away cancels the model call.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { accessContext } from './access-context.js';
import { eventAuth, eventRequest } from './request-event.js';
import { withSchemaRetry } from './schema-retry.js';
import { parseAskRequest } from '../ai/ask-request.js';
import { ask, type AskStream } from '../ai/ask-service.js';
import { ChatAborted } from '../ai/chat-model.js';

export function registerAskRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.post('/api/collections/:c/ask', async (request, reply) => {
    const collection = core.collections.find((request.params as { c: string }).c);
    if (!collection) throw new ApiError(404, 'Missing collection context.');
    const settings = core.settings.current().ai;
    const req = parseAskRequest(collection, request.body, request.auth.isSuperuser, settings.maxQuestionLength);

    // The response closing before it was finished: the client went away.
    const cancel = new AbortController();
    reply.raw.on('close', () => { if (!reply.raw.writableFinished) cancel.abort(); });

    const call = {
      collection, request: req, ctx: accessContext(request, core), auth: eventAuth(request), http: eventRequest(request),
      signal: cancel.signal, retrying: <T>(work: () => Promise<T>) => withSchemaRetry(core, work),
    };
    if (!req.stream) {
      try {
        return await ask(core, call);
      } catch (err) {
        if (err instanceof ChatAborted) return abandon(reply);
        throw err;
      }
    }

    const events = new EventWriter(reply);
    const sink: AskStream = {
      citations: (citations) => events.send('citations', { citations }),
      delta: (text) => events.send('delta', { text }),
    };
    try {
      const answer = await ask(core, call, sink);
      events.send('done', { model: answer.model, usage: answer.usage });
      events.end();
    } catch (err) {
      if (err instanceof ChatAborted || cancel.signal.aborted) return abandon(reply);
      // Before the stream opened (a bad filter, a hook's refusal): an ordinary error response.
      if (!events.opened) throw err;
      const status = err instanceof ApiError ? err.status : 500;
      if (!(err instanceof ApiError)) core.logger.error('ask stream failed', { error: (err as Error)?.message });
      events.send('error', { status, message: err instanceof ApiError ? err.message : 'Something went wrong while processing your request.' });
      events.end();
    }
    return reply;
  });
}

/** The client is gone: nothing to send. */
function abandon(reply: FastifyReply): FastifyReply {
  if (!reply.sent) reply.hijack();
  reply.raw.destroy();
  return reply;
}

/** A text/event-stream response, opened with its first event. */
class EventWriter {
  opened = false;
  constructor(private readonly reply: FastifyReply) {}

  send(event: string, data: unknown): void {
    if (!this.opened) {
      this.opened = true;
      this.reply.hijack();
      this.reply.raw.writeHead(200, {
        ...(this.reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
    }
    this.reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    this.reply.raw.end();
  }
}
