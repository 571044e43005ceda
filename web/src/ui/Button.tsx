/**
 * Buttons and button-looking links. The variant says how important the action is:
 * `primary` (the one main action of a form or screen), `secondary`, `ghost` (toolbar
 * and row actions), `danger` (destroys data), `link`. An icon-only button must have a
 * `label`: it becomes the accessible name and the tooltip.
 */
import type { AnchorHTMLAttributes, ButtonHTMLAttributes, ReactNode } from 'react';
import type { LucideIcon } from 'lucide-react';

export type Variant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'danger-ghost' | 'link';

type Common = { variant?: Variant; small?: boolean; icon?: LucideIcon; label?: string; children?: ReactNode };

export function buttonClass(variant: Variant = 'primary', small = false, iconOnly = false, extra = ''): string {
  const v = variant === 'primary' ? '' : variant === 'danger-ghost' ? 'danger ghost' : variant;
  return ['btn', v, small ? 'small' : '', iconOnly ? 'icon-only' : '', extra].filter(Boolean).join(' ');
}

export function Button({ variant, small, icon: Icon, label, children, className, type = 'button', ...rest }: Common & ButtonHTMLAttributes<HTMLButtonElement>) {
  const iconOnly = !children;
  return (
    <button type={type} className={buttonClass(variant, small, iconOnly, className)}
      aria-label={iconOnly ? label : rest['aria-label']} title={iconOnly ? label : rest.title} {...rest}>
      {Icon && <Icon className="icon" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function ButtonLink({ variant, small, icon: Icon, label, children, className, ...rest }: Common & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const iconOnly = !children;
  return (
    <a className={buttonClass(variant, small, iconOnly, className)} aria-label={iconOnly ? label : rest['aria-label']} title={iconOnly ? label : rest.title} {...rest}>
      {Icon && <Icon className="icon" aria-hidden="true" />}
      {children}
    </a>
  );
}
