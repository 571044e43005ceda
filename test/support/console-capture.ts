/** Collects everything written through console.* (still printed), for tests that check logs hold no secrets. */
import { vi } from 'vitest';

export function captureConsole(into: string[]): void {
  for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const) {
    const original = console[level].bind(console);
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      into.push(args.map(String).join(' '));
      original(...args);
    });
  }
}
