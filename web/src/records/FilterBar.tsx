/** The filter input (`/` focuses it); the API's message for a bad filter is shown right beside it. */
import { Search } from 'lucide-react';

export function FilterBar({ value, onChange, error, placeholder = `Filter, e.g. title ~ "news" && created > "2024-01-01"` }: { value: string; onChange: (v: string) => void; error: string; placeholder?: string }) {
  return (
    <div className="rec-filter">
      <div className="rec-filter-box">
        <Search className="icon rec-filter-icon" aria-hidden="true" />
        <label className="rec-filter-label">
          <span className="sr-only">Filter</span>
          <input type="search" value={value} placeholder={placeholder} data-shortcut="filter"
            aria-keyshortcuts="/" spellCheck={false} aria-invalid={!!error} aria-describedby={error ? 'rec-filter-error' : undefined}
            onChange={(e) => onChange(e.target.value)} className="mono" />
        </label>
        <span className="kbd rec-filter-kbd" aria-hidden="true">/</span>
      </div>
      {error && <p id="rec-filter-error" role="alert" className="error rec-filter-error">{error}</p>}
    </div>
  );
}
