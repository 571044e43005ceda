/**
 * The setup every dashboard test file shares: a Galley on the engine, a browser, and
 * (optionally) a real SMTP server, started before the file's tests and closed after;
 * `open()` gives a fresh page (own context) at a dashboard path, signed in as the
 * test superuser by putting the session where the dashboard keeps it, so only the
 * sign-in tests pay for the sign-in form.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startGalley, type Engine, type StartOptions, type TestGalley } from '../../support/galley.js';
import { startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.js';
import { launchBrowser, openPage } from './browser.js';

export interface DashboardOptions extends StartOptions {
  /** 'configured': start a capture SMTP server and point the settings (smtp, meta.appURL) at it; 'started': only start it. */
  smtp?: 'configured' | 'started';
}

export interface OpenOptions {
  width?: number;
  height?: number;
  /** Signed in as the test superuser (default: when the Galley has one). */
  signedIn?: boolean;
  /** 'light' or 'dark' as the OS preference (the dashboard follows it by default). */
  colorScheme?: 'light' | 'dark';
  /** Runs on the new page before it loads the dashboard (e.g. to add an init script). */
  beforeLoad?: (page: Page) => Promise<void>;
}

export interface Dashboard {
  readonly g: TestGalley;
  readonly browser: Browser;
  /** The SMTP capture server (only with the `smtp` option). */
  readonly smtp: SmtpCapture;
  /** A new page (own browser context) at `/_/#<path>`; `problems` collects console errors and page errors. */
  open(path: string, options?: OpenOptions): Promise<{ page: Page; problems: string[] }>;
}

/** Registers beforeAll/afterAll for the calling describe block; the fields are set once beforeAll ran. */
export function useDashboard(engine: Engine, { smtp: smtpMode, ...options }: DashboardOptions = {}): Dashboard {
  let g: TestGalley | undefined;
  let browser: Browser | undefined;
  let smtp: SmtpCapture | undefined;

  beforeAll(async () => {
    g = await startGalley(engine, options);
    if (smtpMode) smtp = await startSmtpCapture();
    if (smtpMode === 'configured') {
      await g.admin.settings.update({
        meta: { appURL: g.url },
        smtp: { enabled: true, host: '127.0.0.1', port: smtp!.port, username: smtp!.user, password: smtp!.pass },
      });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await g?.close();
  });

  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not started (used outside a test, or the option is off)`);
    return v;
  };

  return {
    get g() { return need(g, 'the Galley'); },
    get browser() { return need(browser, 'the browser'); },
    get smtp() { return need(smtp, 'the SMTP capture'); },
    async open(path, { width = 1280, height = 900, signedIn = options.superuser !== false, colorScheme = 'light', beforeLoad } = {}) {
      const opened = await openPage(need(browser, 'the browser'), width, height);
      await opened.page.emulateMedia({ colorScheme });
      if (signedIn) {
        const auth = JSON.stringify({ token: g!.admin.authStore.token, record: g!.admin.authStore.record });
        // Runs before the page's scripts (through the browser, so the page's CSP does not apply).
        // Once per tab: a later sign-out stays signed out across reloads.
        // Init scripts run in every frame too: the sandboxed editor preview has no storage.
        await opened.page.context().addInitScript((value) => {
          if (window !== window.top || sessionStorage.getItem('galley-test-seeded')) return;
          sessionStorage.setItem('galley-test-seeded', '1');
          localStorage.setItem('galley_superuser_auth', value);
        }, auth);
      }
      await beforeLoad?.(opened.page);
      await opened.page.goto(`${g!.url}/_/#${path}`);
      return opened;
    },
  };
}
