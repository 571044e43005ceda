/** Small helpers for tests that talk to Galley through the pocketbase SDK. */
import { crc32 } from 'node:zlib';
import type { TestGalley } from './galley.js';

export { failure } from './errors.js';

/** Creates a `users` record (as superuser) and returns a token of that non-superuser. */
export async function userToken(g: TestGalley, email = 'user@example.com', password = 'user-password-1'): Promise<string> {
  await g.admin.collection('users').create({ email, password, passwordConfirm: password });
  const pb = g.client();
  await pb.collection('users').authWithPassword(email, password);
  return pb.authStore.token;
}

/** PocketBase's collection id for a type and name: `pbc_` + CRC32(type + name). */
export const pbCollectionId = (type: string, name: string) => `pbc_${crc32(type + name)}`;

/** PocketBase's field id: type + CRC32(name). */
export const pbFieldId = (type: string, name: string) => `${type}${crc32(name)}`;

/** The names of a collection's fields, in order. */
export const fieldNames = (c: { fields: { name: string }[] }) => c.fields.map((f) => f.name);
