/**
 * One POST to an OpenAI-compatible endpoint (chat completions, embeddings): a JSON
 * body, the key only as the `Authorization: Bearer` header, a timeout, and the
 * caller's abort signal. Failing to get an answer becomes an OutboundError saying why
 * (timed out, aborted by the caller, unreachable); `endpointMessage` reads the
 * endpoint's own error message with the key cut out, so neither can leak the key.
 */

export type OutboundFailure = 'timeout' | 'aborted' | 'unreachable';

export class OutboundError extends Error {
  constructor(readonly reason: OutboundFailure, message: string) {
    super(message);
  }
}

export interface PostOptions {
  apiKey: string;
  timeoutMs: number;
  /** The caller's cancellation (a client that went away). */
  signal?: AbortSignal;
  /** Names the endpoint in messages: "The chat model". */
  name: string;
}

export interface OutboundCall {
  response: Response;
  /** Aborted when the timeout or the caller's signal fires; reading the body uses it too. */
  signal: AbortSignal;
  /** The failure to report for an error thrown while reading the body. */
  failure(err: unknown): OutboundError;
}

/** `{base}/{path}`, with trailing slashes of the base removed. */
export const endpointUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path}`;

export async function postJson(url: string, body: unknown, options: PostOptions): Promise<OutboundCall> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const failure = (err: unknown): OutboundError => {
    if (options.signal?.aborted) return new OutboundError('aborted', `${options.name} call was cancelled.`);
    if (timeout.aborted) return new OutboundError('timeout', `${options.name} did not answer within ${options.timeoutMs} ms.`);
    return new OutboundError('unreachable', `${options.name} could not be reached (${(err as Error)?.name ?? 'Error'}).`);
  };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal,
    });
    return { response, signal, failure };
  } catch (err) {
    throw failure(err);
  }
}

/** The endpoint's `error.message` (OpenAI's error body), at most 200 characters, the key removed; '' when none. */
export function endpointMessage(body: unknown, apiKey: string): string {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  if (typeof message !== 'string') return '';
  // The key itself, and the masked forms some servers echo ("sk-abc...xyz").
  let out = apiKey ? message.split(apiKey).join('[redacted]') : message;
  out = out.replace(/\b(sk|key)-[A-Za-z0-9_*.-]{4,}/g, '[redacted]');
  return out.slice(0, 200);
}
