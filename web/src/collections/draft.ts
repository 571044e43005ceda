/** Building a draft for a new collection, and the request body to save one. */
import type { CollectionModel } from 'pocketbase';
import { pb } from '../lib/api';
import { autodateFields } from './field-types';
import type { CollectionType, Draft } from './model';

/** The server's scaffold for the type, plus created/updated for tables (views derive theirs). */
export async function newDraft(type: CollectionType): Promise<Draft> {
  const scaffolds = (await pb.collections.getScaffolds()) as unknown as Record<string, Draft>;
  const draft = structuredClone(scaffolds[type]!);
  delete draft.id;
  delete draft.created;
  delete draft.updated;
  if (type === 'view') draft.viewQuery = draft.viewQuery ?? '';
  else draft.fields = [...draft.fields, ...autodateFields()];
  return draft;
}

export function draftFrom(model: CollectionModel): Draft {
  return structuredClone(model) as unknown as Draft;
}

/** What to send: view fields come from the query, so they are not sent. */
export function saveBody(draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = { ...draft };
  delete body.created;
  delete body.updated;
  if (draft.type === 'view') delete body.fields;
  return body;
}
