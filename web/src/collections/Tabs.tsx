/** The editor's sections; a section holding API errors is marked so it can be found. */
import { Code, Fingerprint, ListTree, Rows3, ShieldCheck } from 'lucide-react';
import { Tabs as UiTabs } from '../ui/Tabs';
import type { CollectionType, Errors } from './model';

export type Tab = 'fields' | 'query' | 'rules' | 'indexes' | 'options';

const LABELS: Record<Tab, string> = { fields: 'Fields', query: 'View query', rules: 'API rules', indexes: 'Indexes', options: 'Auth options' };
const ICONS = { fields: Rows3, query: Code, rules: ShieldCheck, indexes: ListTree, options: Fingerprint };

/** Which tab shows the input an API error path names. */
export function tabOf(path: string): Tab {
  if (path.startsWith('fields') || path === 'search' || path.startsWith('search.')) return 'fields';
  if (path.startsWith('indexes')) return 'indexes';
  if (path === 'viewQuery') return 'query';
  if (/Rule$/.test(path)) return 'rules';
  return 'options';
}

export function Tabs({ type, current, errors, onSelect }: { type: CollectionType; current: Tab; errors: Errors; onSelect: (t: Tab) => void }) {
  const tabs: Tab[] = type === 'view' ? ['query', 'fields', 'rules'] : type === 'auth' ? ['fields', 'rules', 'indexes', 'options'] : ['fields', 'rules', 'indexes'];
  const bad = new Set(Object.keys(errors).filter((k) => k !== 'name').map(tabOf));
  return (
    <UiTabs label="Collection sections" idPrefix="col" current={current} onSelect={onSelect}
      tabs={tabs.map((t) => ({ id: t, label: LABELS[t], icon: ICONS[t], mark: bad.has(t) ? <span className="col-bad" aria-label=" (has errors)"> !</span> : undefined }))} />
  );
}
