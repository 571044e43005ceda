/**
 * Password hashing with argon2id at OWASP's recommended parameters (19 MiB memory,
 * 2 iterations, 1 lane). Verification of an unknown identity still does the same
 * work against a dummy hash, so timing does not reveal which identities exist.
 * bcrypt hashes (`$2a$`/`$2b$`/`$2y$`, what PocketBase stores; docs/import.md) are
 * verified too, and needsRehash() tells the sign-in to replace them with argon2id.
 */
type Argon2 = typeof import('@node-rs/argon2');
type Bcrypt = typeof import('bcryptjs');

/** The native argon2 binding (about 8 MiB) is loaded with the first password, not at start. */
let argon2: Promise<Argon2> | undefined;
const load = () => (argon2 ??= import('@node-rs/argon2'));

export async function hashPassword(plain: string): Promise<string> {
  const { hash, Algorithm } = await load();
  return hash(plain, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** bcryptjs (pure JS) is loaded only when a bcrypt hash is met: imported PocketBase data. */
let bcrypt: Promise<Bcrypt> | undefined;
const loadBcrypt = () => (bcrypt ??= import('bcryptjs'));

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** True for a hash that is not argon2id (a bcrypt hash imported from PocketBase): rehash it after a successful sign-in. */
export function needsRehash(storedHash: string): boolean {
  return BCRYPT.test(storedHash);
}

async function verify(hashed: string, plain: string): Promise<boolean> {
  if (BCRYPT.test(hashed)) {
    // bcrypt reads at most 72 bytes; PocketBase refuses longer passwords, so a longer one never matches.
    if (Buffer.byteLength(plain) > 72) return false;
    return (await loadBcrypt()).compare(plain, hashed);
  }
  return (await load()).verify(hashed, plain);
}

let dummyHash: Promise<string> | undefined;

/** True when plain matches; with no stored hash, burns the same time and returns false. */
export async function verifyPassword(storedHash: string | undefined, plain: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('galley-dummy-password-for-timing-parity');
    await verify(await dummyHash, plain).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, plain);
  } catch {
    return false;
  }
}
