/** The filter input; the API's message for a bad filter is shown right beside it. */
export function FilterBar({ value, onChange, error }: { value: string; onChange: (v: string) => void; error: string }) {
  return (
    <div className="rec-filter">
      <label className="rec-filter-label">
        Filter
        <input type="search" value={value} placeholder={`e.g. title ~ "news" && created > "2024-01-01"`}
          spellCheck={false} aria-invalid={!!error} aria-describedby={error ? 'rec-filter-error' : undefined}
          onChange={(e) => onChange(e.target.value)} />
      </label>
      {error && <p id="rec-filter-error" role="alert" className="error rec-filter-error">{error}</p>}
    </div>
  );
}
