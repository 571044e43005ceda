/** Show/hide table columns; a native <details> keeps it keyboard-operable, and Escape closes it. */
import type { CollectionField } from 'pocketbase';
import { Columns3 } from 'lucide-react';

export function ColumnPicker({ fields, hidden, onToggle }: { fields: CollectionField[]; hidden: string[]; onToggle: (name: string) => void }) {
  return (
    <details className="rec-columns" onKeyDown={(e) => {
      if (e.key !== 'Escape' || !e.currentTarget.open) return;
      e.currentTarget.open = false;
      e.currentTarget.querySelector('summary')?.focus();
    }}>
      <summary className="btn secondary"><Columns3 className="icon" aria-hidden="true" />Columns</summary>
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
