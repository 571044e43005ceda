/**
 * A tooltip on hover and on keyboard focus. The tip is a real element tied to its
 * host by aria-describedby (no `title`, which keyboards never see); CSS shows it.
 */
import { useId, type ReactNode } from 'react';

export function Tooltip({ tip, children, focusable = false }: { tip: string; children: ReactNode; focusable?: boolean }) {
  const id = useId();
  return (
    <span className="tip-host" tabIndex={focusable ? 0 : undefined} aria-describedby={id}>
      {children}
      <span role="tooltip" id={id} className="tip">{tip}</span>
    </span>
  );
}
