/**
 * A collection's records (#/collections/<name>/records): filter with instant error
 * messages, sortable columns, column choice, paging, bulk delete.
 */
import { useState } from 'react';
import '../../records/records.css';
import { BulkDeleteBar } from '../../records/BulkDeleteBar';
import { ColumnPicker } from '../../records/ColumnPicker';
import { FilterBar } from '../../records/FilterBar';
import { OpenById } from '../../records/OpenById';
import { Pager } from '../../records/Pager';
import { RecordsTable } from '../../records/RecordsTable';
import { recordPath, tableFields } from '../../records/model';
import { useCollection } from '../../records/useCollection';
import { useHiddenColumns } from '../../records/useColumns';
import { useFileToken } from '../../records/useFileToken';
import { useDebounced, useRecordList } from '../../records/useRecordList';

export function RecordsPage({ name }: { name: string }) {
  const { collection, error: loadError } = useCollection(name);
  const [filterText, setFilterText] = useState('');
  const filter = useDebounced(filterText, 300);
  const [sort, setSort] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const list = useRecordList(name, { page, sort, filter });
  const { hidden, toggle } = useHiddenColumns(name);
  const fileToken = useFileToken(collection);

  const fields = collection ? tableFields(collection) : [];
  const shown = fields.filter((f) => !hidden.includes(f.name));
  const select = (ids: string[], on: boolean) => setSelected((prev) => {
    const next = new Set(prev);
    for (const id of ids) if (on) next.add(id); else next.delete(id);
    return next;
  });

  return (
    <section className="rec-page">
      <header className="rec-header">
        <p className="muted"><a href="#/collections">Collections</a> / <a href={`#/collections/${encodeURIComponent(name)}`}>{name}</a></p>
        <h1>{name} records</h1>
        <a className="rec-button" href={`#${recordPath(name, 'new')}`}>New record</a>
      </header>
      {(loadError || list.error) && <p role="alert" className="error">{loadError || list.error}</p>}
      <div className="rec-toolbar">
        <FilterBar value={filterText} onChange={(v) => { setFilterText(v); setPage(1); }} error={list.filterError} />
        <ColumnPicker fields={fields} hidden={hidden} onToggle={toggle} />
        <OpenById collection={name} />
      </div>
      <BulkDeleteBar collection={name} ids={[...selected]} onDone={() => { setSelected(new Set()); void list.reload(); }} />
      <div aria-busy={list.loading}>
        <RecordsTable collection={name} fields={shown} records={list.result?.items ?? []} sort={sort}
          onSort={(s) => { setSort(s); setPage(1); }} selected={selected} onSelect={select} fileToken={fileToken} />
      </div>
      {list.result && <Pager page={list.result.page} totalPages={list.result.totalPages} totalItems={list.result.totalItems} onPage={setPage} />}
    </section>
  );
}
