/**
 * The collection screens' layout: the collections panel on the side, the screen beside
 * it. On phones the panel stacks on top, except beside an editor, a record list or form (`compact`),
 * where the breadcrumbs lead back to it and the screen itself comes first.
 */
import type { ReactNode } from 'react';
import type { CollectionModel } from 'pocketbase';
import { CollectionList } from './CollectionList';
import './collections.css';

interface Props { items: CollectionModel[]; error: string; current?: string; children: ReactNode; ownFilter?: boolean; compact?: boolean }

export function CollectionsFrame({ items, error, current, children, ownFilter = false, compact = false }: Props) {
  return (
    <div className={compact ? 'col-page compact' : 'col-page'}>
      <CollectionList items={items} current={current} error={error} shortcut={!ownFilter} heading={ownFilter ? 'h2' : 'h1'} />
      <div className="col-main">{children}</div>
    </div>
  );
}
