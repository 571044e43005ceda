/**
 * Resolves a request body against a collection (API spec 2.4, 2.5): plain keys,
 * `field+` / `+field` / `field-` modifiers applied to the current value,
 * `field:autogenerate` for text fields, unknown keys
 * and (for non-superusers) hidden fields dropped. Keys are applied shortest first.
 */
import type { Collection } from '../collections/collection.js';
import { asList } from '../fields/multi-value.js';
import { toText, toTextList } from '../fields/values.js';
import { generateFromPattern } from '../fields/text.js';
import { numberField } from '../fields/number.js';

type Values = Record<string, unknown>;

/** Keys a body may carry that are not fields. */
const AUTH_EXTRA_KEYS = new Set(['passwordConfirm', 'oldPassword']);
const AUTOGENERATE = ':autogenerate';

export interface ResolvedBody {
  /** Field name → submitted raw value, after modifiers (not yet cast). */
  values: Values;
  /** passwordConfirm / oldPassword, when given. */
  extras: Values;
}

export function resolveBody(collection: Collection, body: Values, current: Values, isSuperuser: boolean): ResolvedBody {
  const values: Values = {};
  const extras: Values = {};
  const keys = Object.keys(body).sort((a, b) => a.length - b.length);
  for (const key of keys) {
    if (collection.isAuth && AUTH_EXTRA_KEYS.has(key)) { extras[key] = body[key]; continue; }
    if (key.endsWith(AUTOGENERATE)) {
      // `field:autogenerate`: the submitted prefix plus a value from the field's pattern.
      const f = collection.field(key.slice(0, -AUTOGENERATE.length))?.model;
      if (!f || f.type !== 'text' || (f.hidden && !isSuperuser)) continue;
      const pattern = f.autogeneratePattern as string;
      values[f.name] = toText(body[key]) + (pattern ? generateFromPattern(pattern) : '');
      continue;
    }
    let name = key;
    let op: 'set' | 'append' | 'prepend' | 'remove' = 'set';
    if (key.endsWith('+')) { name = key.slice(0, -1); op = 'append'; }
    else if (key.startsWith('+')) { name = key.slice(1); op = 'prepend'; }
    else if (key.endsWith('-')) { name = key.slice(0, -1); op = 'remove'; }
    const field = collection.field(name);
    if (!field) continue;
    const f = field.model;
    if (f.hidden && !isSuperuser && f.type !== 'password') continue;
    const raw = body[key];
    if (op === 'set') { values[name] = raw; continue; }
    const base = name in values ? values[name] : current[name];
    if (f.type === 'number') {
      if (op === 'prepend') continue;
      // The field's own cast: Number() of a client's nested array recurses without bound.
      const delta = numberField.prepare(raw, f) as number;
      values[name] = ((numberField.prepare(base, f) as number) || 0) + (op === 'append' ? delta : -delta);
    } else if (f.type === 'select' || f.type === 'relation' || f.type === 'file') {
      const list = asList(base);
      const given = toTextList(raw);
      if (op === 'append') values[name] = [...list, ...given];
      else if (op === 'prepend') values[name] = [...given, ...list];
      else values[name] = list.filter((v) => !given.includes(v));
    }
  }
  return { values, extras };
}
