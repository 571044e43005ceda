/**
 * Tabs (WAI-ARIA tabs pattern): one tab stop for the list, ←/→/Home/End move between
 * tabs and select them. A tab can carry an icon and a mark (e.g. "has errors").
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { LucideIcon } from 'lucide-react';

export interface TabItem<T extends string> { id: T; label: string; icon?: LucideIcon; mark?: ReactNode }

export function Tabs<T extends string>({ tabs, current, onSelect, label, idPrefix }: {
  tabs: TabItem<T>[]; current: T; onSelect: (id: T) => void; label: string; idPrefix: string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === current);
    const to = e.key === 'ArrowRight' ? (i + 1) % tabs.length
      : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length
      : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    onSelect(tabs[to]!.id);
    list.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[to]?.focus();
  };
  return (
    <div role="tablist" className="tabs" aria-label={label} ref={list} onKeyDown={onKey}>
      {tabs.map(({ id, label: text, icon: Icon, mark }) => (
        <button key={id} type="button" role="tab" id={`${idPrefix}-tab-${id}`} aria-controls={`${idPrefix}-panel`}
          aria-selected={id === current} tabIndex={id === current ? 0 : -1} className="tab" onClick={() => onSelect(id)}>
          {Icon && <Icon className="icon" aria-hidden="true" />}
          {text}{mark}
        </button>
      ))}
    </div>
  );
}

/** The panel of the selected tab. */
export function TabPanel<T extends string>({ idPrefix, current, children, className }: { idPrefix: string; current: T; children: ReactNode; className?: string }) {
  return (
    <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${current}`} className={className}>
      {children}
    </div>
  );
}
