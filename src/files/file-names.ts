/**
 * Stored file names exactly as PocketBase makes them (API spec 7.1):
 * snake_case(base) + "_" + 10 random [a-z0-9] + sanitised extension. The random part
 * is what makes unprotected files unguessable.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const EXT_INVALID = /[^\w.*\-+=#]+/g;

export function randomPart(length = 10): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** The extension from the second-to-last dot (`.tar.gz`, `.v2.pdf`), or from the last; '' when none. */
export function extractExtension(name: string): string {
  const primary = name.lastIndexOf('.');
  if (primary === -1) return '';
  const secondary = name.lastIndexOf('.', primary - 1);
  return secondary >= 0 ? name.slice(secondary) : name.slice(primary);
}

/** PocketBase's inflector.Snakecase: split on non-ASCII-word runs and before inner capitals, lower-cased. */
export function snakeCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const isUpper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
  return words.map((word) => {
    let out = '';
    for (let i = 0; i < word.length; i++) {
      const c = word[i]!;
      // "MyPhoto" → my_photo, but "UIAction" → ui_action (a run of capitals stays together).
      if (isUpper(c) && i > 0 && (!isUpper(word[i - 1]) || (i + 1 < word.length && !isUpper(word[i + 1])))) out += '_';
      out += c;
    }
    return out;
  }).join('_').toLowerCase();
}

/**
 * The stored name for an upload. `detectedExt` (".png") is used when the original
 * name has no usable extension.
 */
export function storedFileName(original: string, detectedExt = ''): string {
  const originalExt = extractExtension(original);
  let ext = originalExt.replace(EXT_INVALID, '');
  if (ext === '') ext = detectedExt.replace(EXT_INVALID, '');
  if (ext.length > 20) ext = ext.slice(-20);
  let base = snakeCase(original.slice(0, original.length - originalExt.length));
  if (base.length < 3) base += randomPart();
  else if (base.length > 100) base = base.slice(0, 100);
  return `${base}_${randomPart()}${ext}`;
}
