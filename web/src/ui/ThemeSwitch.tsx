/** The header's theme switch: one button cycling system → light → dark, named for what it shows. */
import { Monitor, Moon, Sun } from 'lucide-react';
import { setTheme, useTheme, type Theme } from './theme';
import { Button } from './Button';

const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const ICONS = { system: Monitor, light: Sun, dark: Moon };
const NAMES: Record<Theme, string> = { system: 'system', light: 'light', dark: 'dark' };

export function ThemeSwitch() {
  const theme = useTheme();
  return (
    <Button variant="ghost" icon={ICONS[theme]} label={`Theme: ${NAMES[theme]} (switch to ${NAMES[NEXT[theme]]})`}
      onClick={() => setTheme(NEXT[theme])} />
  );
}
