/**
 * mime-types, loaded with the first lookup instead of at start: importing it parses its
 * database of about 2,500 types and scores every extension (tens of milliseconds and a
 * couple of MiB that a server which never serves a file does not need).
 */
import { createRequire } from 'node:module';

type MimeTypes = typeof import('mime-types');
let loaded: MimeTypes | undefined;

export function mimeTypes(): MimeTypes {
  return (loaded ??= createRequire(import.meta.url)('mime-types') as MimeTypes);
}
