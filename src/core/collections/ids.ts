/** PocketBase-compatible identifiers for collections, fields and records. */
import { crc32 } from 'node:zlib';
import { randomInt } from 'node:crypto';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 15-char [a-z0-9] record id. */
export function newRecordId(): string {
  let id = '';
  for (let i = 0; i < 15; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** `pbc_` + CRC32 of type + name, as PocketBase derives collection ids. */
export const collectionIdFor = (type: string, name: string) => `pbc_${crc32(type + name)}`;

/** `type` + CRC32 of name, as PocketBase derives field ids. */
export const fieldIdFor = (type: string, name: string) => `${type}${crc32(name)}`;

const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random [a-zA-Z0-9] string (token secrets, tokenKeys). */
export function randomSecret(length = 50): string {
  let s = '';
  for (let i = 0; i < length; i++) s += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return s;
}
