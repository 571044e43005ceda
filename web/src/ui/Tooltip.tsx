/**
 * A tooltip on hover and on keyboard focus. The tip is a real element tied to its host
 * by aria-describedby (no `title`, which keyboards never see). It is positioned fixed,
 * next to the host but kept inside the window, so scrolling frames and table cells
 * cannot cut it off; Escape hides it.
 */
import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

const GAP = 6;
const MARGIN = 4;

export function Tooltip({ tip, children, focusable = false }: { tip: string; children: ReactNode; focusable?: boolean }) {
  const id = useId();
  const host = useRef<HTMLSpanElement>(null);
  const box = useRef<HTMLSpanElement>(null);
  const [open, setOpen] = useState(false);

  // Placed after rendering, when its size is known: above the host, or below when there is no room.
  useLayoutEffect(() => {
    const t = box.current;
    const h = host.current;
    if (!open || !t || !h) return;
    const r = h.getBoundingClientRect();
    const left = Math.min(Math.max(r.left + r.width / 2 - t.offsetWidth / 2, MARGIN), window.innerWidth - t.offsetWidth - MARGIN);
    const above = r.top - GAP - t.offsetHeight;
    t.style.left = `${left}px`;
    t.style.top = `${above >= MARGIN ? above : r.bottom + GAP}px`;
  }, [open]);

  return (
    <span ref={host} className="tip-host" tabIndex={focusable ? 0 : undefined} aria-describedby={id}
      onPointerEnter={() => setOpen(true)} onPointerLeave={() => setOpen(false)}
      onFocus={() => setOpen(true)} onBlur={() => setOpen(false)}
      onKeyDown={(e) => { if (e.key === 'Escape' && open) { e.stopPropagation(); setOpen(false); } }}>
      {children}
      <span ref={box} role="tooltip" id={id} className={open ? 'tip open' : 'tip'}>{tip}</span>
    </span>
  );
}
