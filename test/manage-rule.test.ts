/** manageRule and the auth-record write rules (API spec 2.4, 2.5, 2.8, 3.10), on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/sdk.js';

describe.each(ENGINES)('manageRule on %s', (engine) => {
  let g: TestGalley;
  let admin: PocketBase;
  let alice: PocketBase;
  const ids: Record<string, string> = {};
  const password = 'a-long-password-1';

  const signIn = async (email: string, pw = password) => {
    const pb = g.client();
    await pb.collection('users').authWithPassword(email, pw);
    return pb;
  };

  beforeAll(async () => {
    g = await startGalley(engine);
    const users = await g.admin.collections.getOne('users');
    await g.admin.collections.update('users', {
      fields: [...users.fields, { name: 'role', type: 'text' }],
      listRule: '', viewRule: '', createRule: '',
      updateRule: "id = @request.auth.id || @request.auth.role = 'admin'",
      manageRule: "@request.auth.role = 'admin'",
    });
    for (const [name, role] of [['admin', 'admin'], ['alice', ''], ['bob', '']]) {
      ids[name] = (await g.admin.collection('users').create({ email: `${name}@example.com`, password, passwordConfirm: password, role })).id;
    }
    admin = await signIn('admin@example.com');
    alice = await signIn('alice@example.com');
  });
  afterAll(() => g.close());

  it('shows emails to managers and owners only', async () => {
    const seenByAlice = await alice.collection('users').getFullList({ sort: 'email' });
    const aliceView = Object.fromEntries(seenByAlice.map((u) => [u.id, u.email]));
    expect(aliceView[ids.alice!]).toBe('alice@example.com');
    expect(aliceView[ids.bob!]).toBeUndefined();
    const seenByAdmin = await admin.collection('users').getFullList();
    expect(seenByAdmin.find((u) => u.id === ids.bob)?.email).toBe('bob@example.com');
    expect((await admin.collection('users').getOne(ids.bob!)).email).toBe('bob@example.com');
    expect((await alice.collection('users').getOne(ids.bob!)).email).toBeUndefined();
  });

  it('lets a manager change email, verified and password without the old password', async () => {
    const updated = await admin.collection('users').update(ids.bob!, {
      email: 'bob2@example.com', verified: true, password: 'new-password-22', passwordConfirm: 'new-password-22',
    });
    expect(updated).toMatchObject({ email: 'bob2@example.com', verified: true });
    await signIn('bob2@example.com', 'new-password-22');
  });

  it('refuses the same changes from a non-manager owner', async () => {
    const email = await failure(alice.collection('users').update(ids.alice!, { email: 'alice2@example.com' }));
    expect(email.response.data.email.code).toBe('validation_not_allowed');
    const verified = await failure(alice.collection('users').update(ids.alice!, { verified: true }));
    expect(verified.response.data.verified.code).toBe('validation_not_allowed');
    const noOld = await failure(alice.collection('users').update(ids.alice!, { password: 'other-password-1', passwordConfirm: 'other-password-1' }));
    expect(noOld.response.data.oldPassword.code).toBe('validation_invalid_old_password');
    await alice.collection('users').update(ids.alice!, { password: 'other-password-1', passwordConfirm: 'other-password-1', oldPassword: password });
    await signIn('alice@example.com', 'other-password-1');
  });

  it('lets a manager create verified records, and nobody else', async () => {
    const made = await admin.collection('users').create({ email: 'carol@example.com', password, passwordConfirm: password, verified: true });
    expect(made.verified).toBe(true);
    const err = await failure(g.client().collection('users').create({ email: 'dave@example.com', password, passwordConfirm: password, verified: true }));
    expect(err.response.data.verified.code).toBe('validation_not_allowed');
  });
});
