/**
 * The colour theme: 'system' follows the OS (prefers-color-scheme); 'light' and 'dark'
 * pin one through <html data-theme>, which tokens.css turns into `color-scheme`. The
 * choice is kept in localStorage and applied before the first render (main.tsx), so
 * a pinned theme never flashes the other one.
 */
import { useEffect, useState } from 'react';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'galley.theme';
const listeners = new Set<(t: Theme) => void>();

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = theme;
}

export function setTheme(theme: Theme): void {
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch { /* storage refused (private mode): the choice lasts for this page only */ }
  applyTheme(theme);
  for (const l of listeners) l(theme);
}

export function useTheme(): Theme {
  const [theme, set] = useState(storedTheme);
  useEffect(() => {
    listeners.add(set);
    return () => { listeners.delete(set); };
  }, []);
  return theme;
}
