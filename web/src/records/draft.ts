/**
 * The form's editable copy of a record (a "draft" per field, shaped for its input) and
 * the request body built back from it: JSON text stays text until validated, numbers
 * stay as typed, files become `field-` removals and `field+` uploads.
 */
import type { CollectionField, CollectionModel, RecordModel } from 'pocketbase';
import type { FileDraft } from './fields/FileInput';
import type { GeoDraft } from './fields/GeoPointInput';
import type { PasswordDraft } from './fields/PasswordInput';
import { jsonProblem } from './fields/JsonInput';
import { asList, isMultiple } from './model';
import { isExtractionField } from './extraction';

export type Draft = Record<string, unknown>;

/** Fields the form shows: everything but the auth token key. */
export function formFields(c: CollectionModel): CollectionField[] {
  return c.fields.filter((f) => !(f.system && f.name === 'tokenKey'));
}

function draftOf(f: CollectionField, v: unknown): unknown {
  switch (f.type) {
    case 'bool': return !!v;
    case 'number': return v === undefined || v === null ? '' : String(v);
    case 'json': return v === undefined || v === null ? '' : JSON.stringify(v, null, 2);
    case 'vector': return Array.isArray(v) && v.length > 0 ? JSON.stringify(v) : '';
    case 'file': return { kept: asList(v), removed: [], added: [] } satisfies FileDraft;
    case 'password': return { password: '', confirm: '' } satisfies PasswordDraft;
    case 'geoPoint': {
      const g = (v ?? {}) as { lon?: number; lat?: number };
      return { lon: String(g.lon ?? 0), lat: String(g.lat ?? 0) } satisfies GeoDraft;
    }
    case 'select':
    case 'relation': return isMultiple(f) ? asList(v) : (asList(v)[0] ?? '');
    default: return v === undefined || v === null ? '' : String(v);
  }
}

export function toDraft(c: CollectionModel, record: RecordModel | null): Draft {
  return Object.fromEntries(formFields(c).map((f) => [f.name, draftOf(f, record?.[f.name])]));
}

/** The request body, or client-side errors (bad JSON) that stop the save. */
export function toPayload(c: CollectionModel, draft: Draft, isNew: boolean): { body: Record<string, unknown>; errors: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of formFields(c)) {
    const v = draft[f.name];
    if (isExtractionField(f, c.fields)) continue; // kept by Galley: the server ignores it anyway
    switch (f.type) {
      case 'autodate': break;
      // A vector with a source is computed by Galley (a value sent is ignored); others go as JSON text, the server validates it.
      case 'vector': if (!f.source) body[f.name] = String(v).trim() || null; break;
      case 'number': body[f.name] = String(v).trim() === '' ? 0 : Number(v); break;
      case 'json': {
        const text = String(v);
        const problem = jsonProblem(text);
        if (problem) errors[f.name] = problem;
        // Sent as the raw text: the server stores a valid JSON string as that JSON.
        else body[f.name] = text.trim() ? text : null;
        break;
      }
      case 'geoPoint': {
        const g = v as GeoDraft;
        body[f.name] = { lon: Number(g.lon) || 0, lat: Number(g.lat) || 0 };
        break;
      }
      case 'password': {
        const p = v as PasswordDraft;
        if (p.password || p.confirm || isNew) { body[f.name] = p.password; body.passwordConfirm = p.confirm; }
        break;
      }
      case 'file': {
        const d = v as FileDraft;
        if (isNew) { if (d.added.length) body[f.name] = d.added; break; }
        if (d.removed.length) body[`${f.name}-`] = d.removed;
        if (d.added.length) body[`${f.name}+`] = d.added;
        break;
      }
      default:
        if (f.name === 'id' && (!isNew || !v)) break; // ids are set once, optionally, on create
        body[f.name] = v;
    }
  }
  return { body, errors };
}
