/** Helpers for asserting PocketBase error responses (API spec 1.3). */
import { expect } from 'vitest';
import { ClientResponseError } from 'pocketbase';

/** The ClientResponseError of an SDK call that must fail. */
export async function failure(p: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ClientResponseError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

/** Signs of internal details that must never reach a client. */
const LEAKS = [/\bat .+:\d+:\d+/, /node_modules/, /\.(ts|js):\d+/, /"stack"/, /Error:/];

/** Asserts the standard error body (JSON, status mirrored, data an object, no internals) and returns it. */
export async function expectErrorBody(res: Response, status: number): Promise<{ status: number; message: string; data: Record<string, any> }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.text();
  for (const leak of LEAKS) expect(text).not.toMatch(leak);
  const body = JSON.parse(text);
  expect(Object.keys(body).sort()).toEqual(['data', 'message', 'status']);
  expect(body.status).toBe(status);
  expect(typeof body.message).toBe('string');
  expect(body.message).toMatch(/^[A-Z].*[.?!]$/);
  expect(typeof body.data).toBe('object');
  expect(body.data).not.toBeNull();
  return body;
}
