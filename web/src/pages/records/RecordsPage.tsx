/**
 * A collection's records (#/collections/<name>/records), beside the collections panel:
 * filter with instant error messages (`/` focuses it), sortable and resizable columns,
 * column choice, paging, bulk delete. Relations are expanded for their chips. A filter
 * with search() (full-text search, docs/search.md) can sort by relevance (`@rank`).
 */
import { useState } from 'react';
import { ArrowDownWideNarrow, Plus, Settings2 } from 'lucide-react';
import '../../records/records.css';
import { collectionIcon } from '../../collections/collection-types';
import { CollectionsFrame } from '../../collections/CollectionsFrame';
import { useCollections } from '../../collections/useCollections';
import { BulkDeleteBar } from '../../records/BulkDeleteBar';
import { ColumnPicker } from '../../records/ColumnPicker';
import { FilterBar } from '../../records/FilterBar';
import { OpenById } from '../../records/OpenById';
import { Pager } from '../../records/Pager';
import { RecordsTable } from '../../records/RecordsTable';
import { recordPath, tableFields } from '../../records/model';
import { useCollection } from '../../records/useCollection';
import { useColumnWidths, useHiddenColumns } from '../../records/useColumns';
import { useFileToken } from '../../records/useFileToken';
import { useDebounced, useRecordList } from '../../records/useRecordList';
import { Button, ButtonLink } from '../../ui/Button';
import { EmbeddingProgress } from '../../vectors/EmbeddingProgress';

/** A filter that calls search() (a word boundary before it, so `research(` is not one). */
const SEARCH_CALL = /(^|[^\w.@])search\s*\(/;

export function RecordsPage({ name }: { name: string }) {
  const all = useCollections();
  const { collection, error: loadError } = useCollection(name);
  const [filterText, setFilterText] = useState('');
  const filter = useDebounced(filterText, 300);
  const [sort, setSort] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const fields = collection ? tableFields(collection) : [];
  const expand = fields.filter((f) => f.type === 'relation').map((f) => f.name).join(',');
  // @rank needs a search() in the filter: without one the sort falls back to the default order.
  const searching = SEARCH_CALL.test(filter);
  const searchable = !!collection?.fields.some((f) => f.searchable === true);
  const effectiveSort = sort === '@rank' && !searching ? '' : sort;
  const list = useRecordList(name, { page, sort: effectiveSort, filter, expand }, !!collection);
  const { hidden, toggle } = useHiddenColumns(name);
  const { widths, setWidth } = useColumnWidths(name);
  const fileToken = useFileToken(collection);

  const shown = fields.filter((f) => !hidden.includes(f.name));
  const select = (ids: string[], on: boolean) => setSelected((prev) => {
    const next = new Set(prev);
    for (const id of ids) if (on) next.add(id); else next.delete(id);
    return next;
  });
  const Icon = collectionIcon(collection?.type ?? 'base');

  return (
    <CollectionsFrame items={all.items} error={all.error} current={name} compact ownFilter>
      <section className="rec-page">
        <header className="rec-header">
          <h1><Icon className="icon-lg rec-title-icon" aria-hidden="true" />{name} records</h1>
          <div className="rec-header-actions">
            <ButtonLink variant="secondary" icon={Settings2} href={`#/collections/${encodeURIComponent(name)}/schema`}>Edit schema</ButtonLink>
            <ButtonLink icon={Plus} href={`#${recordPath(name, 'new')}`}>New record</ButtonLink>
          </div>
        </header>
        {(loadError || list.error) && <p role="alert" className="error">{loadError || list.error}</p>}
        {collection?.fields.some((f) => f.type === 'vector' && f.source) && <EmbeddingProgress collection={name} />}
        <div className="rec-toolbar">
          <FilterBar value={filterText} onChange={(v) => { setFilterText(v); setPage(1); }} error={list.filterError}
            placeholder={searchable ? 'Filter, e.g. search("words") && created > "2024-01-01"' : undefined} />
          {searching && (
            <Button variant={effectiveSort === '@rank' ? 'primary' : 'secondary'} icon={ArrowDownWideNarrow} aria-pressed={effectiveSort === '@rank'}
              onClick={() => { setSort(effectiveSort === '@rank' ? '' : '@rank'); setPage(1); }}>Sort by relevance</Button>
          )}
          <ColumnPicker fields={fields} hidden={hidden} onToggle={toggle} />
          <OpenById collection={name} />
        </div>
        <BulkDeleteBar collection={name} ids={[...selected]} onDone={() => { setSelected(new Set()); void list.reload(); }} />
        <div aria-busy={list.loading}>
          <RecordsTable collection={name} fields={shown} allFields={fields} records={list.result?.items ?? []} sort={effectiveSort}
            onSort={(s) => { setSort(s); setPage(1); }} selected={selected} onSelect={select} fileToken={fileToken}
            widths={widths} onResize={setWidth} filtered={filter.trim() !== ''} />
        </div>
        {list.result && <Pager page={list.result.page} totalPages={list.result.totalPages} totalItems={list.result.totalItems} onPage={setPage} />}
      </section>
    </CollectionsFrame>
  );
}
