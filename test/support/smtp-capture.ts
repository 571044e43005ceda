/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 that requires a
 * username and password and keeps every message it accepts, decoded enough to read
 * the tokens in the mail bodies.
 */
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
  /** The raw message with quoted-printable and base64 parts decoded. */
  decoded: string;
}

export interface SmtpCapture {
  port: number;
  user: string;
  pass: string;
  messages: CapturedMail[];
  /** Failed AUTH attempts (wrong or missing credentials). */
  authFailures: number;
  /** The first message to `to` arriving after `after` messages had been received for it. */
  next(to: string, after?: number): Promise<CapturedMail>;
  count(to: string): number;
  close(): Promise<void>;
}

export async function startSmtpCapture(user = 'mailer', pass = 'smtp-secret-pass'): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const state = { authFailures: 0 };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      state.authFailures++;
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeParts(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const forTo = (to: string) => messages.filter((m) => m.to.includes(to));
  return {
    port, user, pass, messages,
    get authFailures() { return state.authFailures; },
    count: (to) => forTo(to).length,
    async next(to, after = 0) {
      for (let i = 0; i < 100; i++) {
        const found = forTo(to)[after];
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no mail to ${to} arrived`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes every quoted-printable or base64 MIME part in place (enough for test assertions). */
function decodeParts(raw: string): string {
  return raw.replace(/Content-Transfer-Encoding: (quoted-printable|base64)\r?\n((?:.+\r?\n)*)\r?\n([\s\S]*?)(?=\r?\n--|$)/gi, (_m, enc: string, headers: string, body: string) => {
    const text = enc.toLowerCase() === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    return `Content-Transfer-Encoding: ${enc}\n${headers}\n${text}`;
  });
}

/** The JWT in a mail's links (…/confirm-verification/<token>). */
export function tokenIn(mail: CapturedMail, path: string): string {
  const m = new RegExp(`/_/#/auth/${path}/([\\w-]+\\.[\\w-]+\\.[\\w-]+)`).exec(mail.decoded);
  if (!m) throw new Error(`no ${path} link in the mail:\n${mail.decoded}`);
  return m[1]!;
}
