/** The rateLimits, trustedProxy and superuserIPs settings sections (spec 8.3, 10.1, 10.2, 5.13): round trip and field errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';

describe.each(ENGINES)('security settings sections on %s', (engine) => {
  let g: TestGalley;
  const patch = (body: unknown) =>
    g.fetch('/api/settings', { method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    g = await startGalley(engine);
  });
  afterAll(() => g.close());

  it('shows the three sections', async () => {
    const s = await g.admin.settings.getAll();
    expect(s.trustedProxy).toEqual({ headers: [], useLeftmostIP: false });
    expect(s.superuserIPs).toEqual([]);
    expect(s.rateLimits).toMatchObject({ enabled: false, excludedIPs: [] }); // PocketBase's default: off
    expect(s.rateLimits.rules).toContainEqual({ label: '*:auth', audience: '', duration: 3, maxRequests: 2 });
  });

  it('round-trips partial updates through PATCH and GET', async () => {
    const rules = [
      { label: 'POST /api/collections/', audience: '@guest', duration: 5, maxRequests: 20 },
      { label: 'posts:list', audience: '@auth', duration: 1, maxRequests: 3 },
    ];
    const res = await patch({
      rateLimits: { rules, excludedIPs: ['10.0.0.0/8', ' ::1 '] },
      trustedProxy: { headers: ['X-Real-IP'], useLeftmostIP: true },
      superuserIPs: ['127.0.0.1', '192.168.0.0/16'],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.rateLimits).toEqual({ enabled: false, rules, excludedIPs: ['10.0.0.0/8', '::1'] });
    expect(body.trustedProxy).toEqual({ headers: ['X-Real-IP'], useLeftmostIP: true });
    expect(body.superuserIPs).toEqual(['127.0.0.1', '192.168.0.0/16']);
    expect(await g.admin.settings.getAll()).toMatchObject({ rateLimits: body.rateLimits, trustedProxy: body.trustedProxy, superuserIPs: body.superuserIPs });

    // Omitted keys are kept; an empty list clears.
    const next = await g.admin.settings.update({ trustedProxy: { useLeftmostIP: false }, superuserIPs: [] });
    expect(next.trustedProxy).toEqual({ headers: ['X-Real-IP'], useLeftmostIP: false });
    expect(next.superuserIPs).toEqual([]);
    expect(next.rateLimits.rules).toEqual(rules);
    expect((await g.core.settings.get()).rateLimits.excludedIPs).toEqual(['10.0.0.0/8', '::1']);
  });

  it('reports invalid values as field errors and changes nothing', async () => {
    const before = await g.admin.settings.getAll();
    const body = await expectErrorBody(await patch({
      rateLimits: {
        enabled: 'yes',
        rules: [
          { label: '', audience: '@everyone', duration: 0, maxRequests: 1.5 },
          'not a rule',
          { label: 'FETCH /api/', duration: '5', maxRequests: 1 },
          { label: '/api/health', duration: 1, maxRequests: 1 },
          { label: '/api/health', duration: 2, maxRequests: 2 },
        ],
        excludedIPs: ['nope', '10.0.0.0/33', 7],
      },
      trustedProxy: { headers: ['X-Forwarded-For', 'bad header'], useLeftmostIP: 1 },
      superuserIPs: ['127.0.0.1', '999.1.1.1'],
    }), 400);
    expect(body.data.rateLimits.enabled.code).toBe('validation_invalid_value');
    expect(body.data.rateLimits.rules['0']).toMatchObject({
      label: { code: 'validation_required' }, audience: { code: 'validation_in_invalid' },
      duration: { code: 'validation_min_greater_equal_than_required' }, maxRequests: { code: 'validation_min_greater_equal_than_required' },
    });
    expect(body.data.rateLimits.rules['1'].code).toBe('validation_invalid_value');
    expect(body.data.rateLimits.rules['2'].duration.code).toBe('validation_invalid_value');
    expect(body.data.rateLimits.excludedIPs['2'].code).toBe('validation_invalid_value');
    expect(body.data.trustedProxy).toMatchObject({ headers: { 1: { code: 'validation_invalid_header' } }, useLeftmostIP: { code: 'validation_invalid_value' } });
    expect(body.data.superuserIPs).toEqual({ 1: { code: 'validation_is_ip', message: 'Must be a valid IP address or CIDR range.' } });

    // Errors found after the types are right: labels, duplicates, IP syntax.
    const second = await expectErrorBody(await patch({
      rateLimits: {
        rules: [
          { label: 'FETCH /api/', audience: '', duration: 5, maxRequests: 1 },
          { label: '/api/health', audience: '', duration: 1, maxRequests: 1 },
          { label: '/api/health', audience: '', duration: 2, maxRequests: 2 },
        ],
        excludedIPs: ['nope', '10.0.0.0/33', '10.0.0.1'],
      },
    }), 400);
    expect(second.data).toEqual({
      rateLimits: {
        rules: {
          0: { label: { code: 'validation_invalid_rate_limit_label', message: 'Invalid rule label.' } },
          2: { label: { code: 'validation_duplicated_rate_limit_tag', message: 'Rate limit tag with label and audience must be unique.' } },
        },
        excludedIPs: {
          0: { code: 'validation_is_ip', message: 'Must be a valid IP address or CIDR range.' },
          1: { code: 'validation_is_ip', message: 'Must be a valid IP address or CIDR range.' },
        },
      },
    });
    expect((await expectErrorBody(await patch({ superuserIPs: '127.0.0.1' }), 400)).data.superuserIPs.code).toBe('validation_invalid_value');
    expect((await expectErrorBody(await patch({ trustedProxy: { headers: 'X-Real-IP' } }), 400)).data.trustedProxy.headers.code).toBe('validation_invalid_value');
    expect((await expectErrorBody(await patch({ rateLimits: { enabled: true, rules: [] } }), 400)).data.rateLimits.rules.code).toBe('validation_required');
    expect(await g.admin.settings.getAll()).toEqual(before);
  });
});
