/** Turning collection and field names into valid, unique TypeScript names. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// Reserved words cannot be type names; as property keys they are fine unquoted.
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with',
  'any', 'unknown', 'never', 'string', 'number', 'boolean', 'object', 'symbol', 'bigint', 'undefined',
]);

/** A string literal (JSON's escaping is valid TypeScript, and keeps `'` unescaped). */
export const literal = (value: string): string => JSON.stringify(value);

/** An object key: bare when it is an identifier, otherwise quoted. */
export const propertyKey = (name: string): string => (IDENTIFIER.test(name) ? name : literal(name));

/** "_superusers" → "Superusers", "blog-posts" → "BlogPosts", "2fa" → "_2fa". */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  let out = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (out === '') out = 'Collection';
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return RESERVED.has(out) ? `${out}_` : out;
}

/** Hands out names, adding 2, 3, … to a name already taken (case-insensitively, as file systems compare). */
export class NameAllocator {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  take(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${base}${n}`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}
