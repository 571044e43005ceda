/**
 * The collection's full-text search options (docs/search.md): the PostgreSQL text
 * search language and SQLite's porter stemmer. They matter only once a text or
 * editor field is searchable (each field's "Searchable" option), so until then the
 * section only says so.
 */
import { FieldError } from './inputs';
import { optionError } from './options/types';
import type { Draft, Errors } from './model';

/** PostgreSQL 15's text search configurations: the server accepts only these (src/search/options.ts). */
const LANGUAGES = [
  'simple', 'arabic', 'danish', 'dutch', 'english', 'finnish', 'french', 'german', 'greek', 'hungarian', 'indonesian',
  'irish', 'italian', 'lithuanian', 'nepali', 'norwegian', 'portuguese', 'romanian', 'russian', 'spanish', 'swedish',
  'tamil', 'turkish',
];

interface SearchSettings { language?: string; porter?: boolean }

export function SearchOptions({ draft, errors, onChange }: { draft: Draft; errors: Errors; onChange: (search: SearchSettings) => void }) {
  const searchable = draft.fields.filter((f) => f.searchable === true).map((f) => f.name || '(unnamed)');
  const current = (draft.search && typeof draft.search === 'object' ? draft.search : {}) as SearchSettings;
  const language = current.language ?? 'simple';
  const under = Object.fromEntries(Object.entries(errors).filter(([k]) => k.startsWith('search.')).map(([k, v]) => [k.slice(7), v]));
  return (
    <section className="col-search" aria-labelledby="col-search-title">
      <h3 id="col-search-title">Full-text search</h3>
      {searchable.length === 0 ? (
        <p className="muted">No searchable fields. Open a text or editor field's options and tick <em>Searchable</em> to filter with <code>search("words")</code>.</p>
      ) : (
        <>
          <p className="muted">Searchable: {searchable.join(', ')}. Filter with <code>search("words")</code>, sort by relevance with <code>@rank</code>.</p>
          <div className="col-options">
            <label>
              Language (PostgreSQL stemming)
              <select value={language} onChange={(e) => onChange({ ...current, language: e.target.value })} aria-invalid={!!optionError(under, 'language')}>
                {LANGUAGES.map((l) => <option key={l} value={l}>{l === 'simple' ? 'simple (no stemming)' : l}</option>)}
              </select>
              <FieldError message={optionError(under, 'language')} />
            </label>
            <label className="col-check">
              <input type="checkbox" checked={current.porter === true} onChange={(e) => onChange({ ...current, porter: e.target.checked })} />
              <span>Porter stemming (SQLite, English)</span>
              <FieldError message={optionError(under, 'porter')} />
            </label>
          </div>
        </>
      )}
      <FieldError message={typeof errors.search === 'string' ? errors.search : undefined} />
    </section>
  );
}
