/**
 * A label above its control, as siblings: the control's accessible name is the label
 * text alone (a control inside its label would add its own value, e.g. the selected option).
 */
import type { ReactNode } from 'react';

export function Control({ id, label, className, children }: { id: string; label: string; className?: string; children: ReactNode }) {
  return (
    <div className={`pg-control${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
