/** Completion for rule inputs: the word being typed, and what it could become. */
const REQUEST = ['@request.auth.', '@request.body.', '@request.query.', '@request.headers.', '@request.method', '@request.context', '@collection.'];
const MACROS = ['@now', '@todayStart', '@todayEnd', '@yesterday', '@tomorrow', '@monthStart', '@monthEnd', '@yearStart', '@yearEnd'];
const AUTH_FIELDS = ['id', 'email', 'verified', 'emailVisibility', 'collectionId', 'collectionName'];

export interface Context { fields: string[]; authFields: string[]; collections: Record<string, string[]> }

/** The identifier-ish word ending at the caret, and where it starts. */
export function wordAt(text: string, caret: number): { word: string; start: number } {
  const m = /[\w@.:]*$/.exec(text.slice(0, caret))!;
  return { word: m[0], start: caret - m[0].length };
}

export function suggestions(word: string, ctx: Context): string[] {
  if (word === '') return [];
  let pool: string[];
  if (word.startsWith('@request.auth.')) pool = unique([...AUTH_FIELDS, ...ctx.authFields]).map((f) => `@request.auth.${f}`);
  else if (word.startsWith('@request.body.')) pool = ctx.fields.map((f) => `@request.body.${f}`);
  else if (word.startsWith('@collection.')) {
    const [, , name] = word.split('.');
    pool = name !== undefined && word.split('.').length >= 3 && ctx.collections[name]
      ? ctx.collections[name].map((f) => `@collection.${name}.${f}`)
      : Object.keys(ctx.collections).map((c) => `@collection.${c}.`);
  } else if (word.startsWith('@')) pool = [...REQUEST, ...MACROS];
  else pool = ctx.fields;
  const lower = word.toLowerCase();
  return pool.filter((s) => s.toLowerCase().startsWith(lower) && s !== word).slice(0, 8);
}

const unique = (xs: string[]) => [...new Set(xs)];
