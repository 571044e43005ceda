/** The collection screens' layout: the collections panel on the side, the screen beside it (stacked on phones). */
import type { ReactNode } from 'react';
import type { CollectionModel } from 'pocketbase';
import { CollectionList } from './CollectionList';
import './collections.css';

interface Props { items: CollectionModel[]; error: string; current?: string; children: ReactNode; ownFilter?: boolean }

export function CollectionsFrame({ items, error, current, children, ownFilter = false }: Props) {
  return (
    <div className="col-page">
      <CollectionList items={items} current={current} error={error} shortcut={!ownFilter} heading={ownFilter ? 'h2' : 'h1'} />
      <div className="col-main">{children}</div>
    </div>
  );
}
