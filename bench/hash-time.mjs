// In-process cost of Galley's password hashing, to read the login benchmark
// against: the median time of one hashPassword and one verifyPassword (right
// password, wrong password, and no stored hash, i.e. the dummy verify of an
// unknown identity), each call awaited alone, so one call at a time.
//
//   node bench/hash-time.mjs [--galley=dist/cli/main.js] [--runs=50]
//
// It imports the built module (dist/core/auth/password.js next to the CLI
// given), so it measures exactly what the server runs. Prints one line:
//   HASH runs=50 hash_ms=… verify_ms=… verify_wrong_ms=… verify_dummy_ms=…
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    galley: { type: 'string', default: process.env.BENCH_GALLEY ?? 'dist/cli/main.js' },
    runs: { type: 'string', default: '50' },
  },
});
const runs = Number(opt.runs);
const module = resolve(dirname(resolve(opt.galley)), '../core/auth/password.js');
const { hashPassword, verifyPassword } = await import(pathToFileURL(module).href);

const PASSWORD = 'loginpassword123';

async function median(fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up (and the dummy hash, made once)
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return (times[(runs - 1) >> 1] + times[runs >> 1]) / 2;
}

const stored = await hashPassword(PASSWORD);
const ok = await verifyPassword(stored, PASSWORD);
if (!ok || (await verifyPassword(stored, 'wrongpassword123'))) throw new Error('verifyPassword does not verify');
const result = {
  hash_ms: await median(() => hashPassword(PASSWORD)),
  verify_ms: await median(() => verifyPassword(stored, PASSWORD)),
  verify_wrong_ms: await median(() => verifyPassword(stored, 'wrongpassword123')),
  verify_dummy_ms: await median(() => verifyPassword(undefined, PASSWORD)),
};
console.log(`HASH runs=${runs} ${Object.entries(result).map(([k, v]) => `${k}=${v.toFixed(2)}`).join(' ')}`);
