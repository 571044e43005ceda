/**
 * Realtime helpers: the EventSource the pocketbase SDK needs (Node 20 has none), a
 * collector of received events, and a raw SSE reader for wire-level checks.
 */
import { EventSource } from 'eventsource';
import { expect } from 'vitest';

(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;

/** Waits until check() passes (it throws until then), at most `ms`. */
export async function eventually(check: () => void | Promise<void>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Events pushed by an SDK subscription callback. */
export class Inbox<T = { action: string; record: Record<string, unknown> }> {
  readonly items: T[] = [];
  readonly push = (item: T) => { this.items.push(item); };

  async toHave(count: number): Promise<T[]> {
    await eventually(() => expect(this.items.length).toBeGreaterThanOrEqual(count));
    return this.items;
  }

  /** Asserts nothing more arrives within a short while (events are asynchronous). */
  async staysAt(count: number, ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.items.length).toBe(count);
  }
}

export interface SseMessage { id: string; event: string; data: string }

/** A raw SSE connection: parsed messages, and whether the server ended the stream. */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/realtime`, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const state = { ended: false };
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const msg: SseMessage = { id: '', event: '', data: '' };
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            const key = line.slice(0, colon) as keyof SseMessage;
            if (key in msg) msg[key] = line.slice(colon + 1);
          }
          messages.push(msg);
        }
      }
    } catch {
      // aborted by the test
    }
    state.ended = true;
  })();
  await eventually(() => expect(messages.length).toBeGreaterThan(0));
  const clientId = messages[0]!.id;
  return { res, messages, state, clientId, close: () => controller.abort() };
}
