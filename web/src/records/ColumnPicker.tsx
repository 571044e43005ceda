/** Show/hide table columns; a native <details> keeps it keyboard-operable with no extra code. */
import type { CollectionField } from 'pocketbase';

export function ColumnPicker({ fields, hidden, onToggle }: { fields: CollectionField[]; hidden: string[]; onToggle: (name: string) => void }) {
  return (
    <details className="rec-columns">
      <summary>Columns</summary>
      <div className="rec-columns-menu">
        {fields.map((f) => (
          <label key={f.name} className="rec-check">
            <input type="checkbox" checked={!hidden.includes(f.name)} onChange={() => onToggle(f.name)} />
            {f.name}
          </label>
        ))}
      </div>
    </details>
  );
}
