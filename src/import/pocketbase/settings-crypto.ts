/**
 * PocketBase's settings row as an object. PocketBase stores it as plain JSON, or, when
 * it ran with `--encryptionEnv`, as base64(nonce ‖ AES-256-GCM ciphertext ‖ tag) under
 * a 32-character key (its tools/security/encrypt.go); it tries plain JSON first, and so
 * does this.
 */
import { createDecipheriv } from 'node:crypto';
import { ImportError } from './import-error.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function readPbSettings(value: string | undefined, key: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const plain = tryObject(value);
  if (plain) return plain;
  if (!key)
    throw new ImportError('the settings in data.db are encrypted (PocketBase ran with --encryptionEnv): pass the same 32-character key with --encryption-key');
  if (Buffer.byteLength(key) !== 32) throw new ImportError('--encryption-key must be the 32-character key PocketBase used');
  const decrypted = tryObject(decrypt(value, key));
  if (!decrypted) throw new ImportError('the decrypted settings of data.db are not a JSON object');
  return decrypted;
}

function decrypt(value: string, key: string): string {
  // A JSON string holding the ciphertext is accepted as well as the bare text PocketBase writes.
  let text = value.trim();
  if (text.startsWith('"')) text = String(JSON.parse(text));
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new ImportError('the settings in data.db are neither JSON nor encrypted settings');
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key), bytes.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new ImportError('cannot decrypt the settings in data.db with this --encryption-key (wrong key?)');
  }
}

function tryObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
