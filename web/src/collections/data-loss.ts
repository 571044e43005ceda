/**
 * What saving a draft would destroy: removed fields lose every stored value, and so
 * do select options that were taken away (values no longer allowed) — listed so the
 * user confirms knowingly before the schema change runs.
 */
import type { Draft } from './model';

export interface Loss { field: string; detail: string }

export function dataLoss(original: Draft | null, draft: Draft): Loss[] {
  if (!original || original.type === 'view') return [];
  const losses: Loss[] = [];
  const kept = new Map(draft.fields.filter((f) => f.id).map((f) => [f.id, f]));
  for (const old of original.fields) {
    const now = old.id ? kept.get(old.id) : undefined;
    if (!now) {
      losses.push({ field: old.name, detail: `the ${old.type} field and all its stored values` });
      continue;
    }
    if (old.type === 'select') {
      const values = (now.values as string[] | undefined) ?? [];
      const dropped = ((old.values as string[] | undefined) ?? []).filter((v) => !values.includes(v));
      if (dropped.length) losses.push({ field: now.name, detail: `select values no longer allowed: ${dropped.join(', ')}` });
    }
  }
  return losses;
}
