// A hook that sends mail once a user has signed up: runs after the commit, so a
// failed sign-up never sends it.
import type { GalleyApp } from 'galley';

export default (app: GalleyApp) => {
  app.onRecordAfterCreateSuccess('users', async (e) => {
    await e.app.sendMail({
      to: String(e.record.email),
      subject: 'Welcome!',
      html: `<p>Hello ${String(e.record.name || e.record.email)}, thanks for signing up.</p>`,
    });
  });
};
