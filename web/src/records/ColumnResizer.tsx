/**
 * The drag handle on a column header's right edge. Dragging sets the column's width;
 * it is also a focusable separator that ←/→ resize, so the keyboard can do it too.
 */
import type { KeyboardEvent, PointerEvent } from 'react';
import { MAX_WIDTH, MIN_WIDTH } from './useColumns';

export function ColumnResizer({ name, width, onResize }: { name: string; width: number; onResize: (w: number) => void }) {
  const start = (e: PointerEvent<HTMLSpanElement>) => {
    e.preventDefault();
    const handle = e.currentTarget;
    const th = handle.closest('th')!;
    const x0 = e.clientX;
    const w0 = th.getBoundingClientRect().width;
    handle.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => onResize(w0 + ev.clientX - x0);
    const end = () => { handle.removeEventListener('pointermove', move); handle.removeEventListener('pointerup', end); };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
  };
  const onKey = (e: KeyboardEvent<HTMLSpanElement>) => {
    const step = (e.shiftKey ? 64 : 16) * (e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0);
    if (!step) return;
    e.preventDefault();
    onResize(e.currentTarget.closest('th')!.getBoundingClientRect().width + step);
  };
  return (
    <span className="rec-resize" role="separator" aria-orientation="vertical" aria-label={`Resize column ${name}`} tabIndex={0}
      aria-valuenow={Math.round(width)} aria-valuemin={MIN_WIDTH} aria-valuemax={MAX_WIDTH}
      onPointerDown={start} onKeyDown={onKey} />
  );
}
