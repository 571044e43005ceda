/**
 * Password hashing with argon2id at OWASP's recommended parameters (19 MiB memory,
 * 2 iterations, 1 lane). Verification of an unknown identity still does the same
 * work against a dummy hash, so timing does not reveal which identities exist.
 */
type Argon2 = typeof import('@node-rs/argon2');

/** The native argon2 binding (about 8 MiB) is loaded with the first password, not at start. */
let argon2: Promise<Argon2> | undefined;
const load = () => (argon2 ??= import('@node-rs/argon2'));

export async function hashPassword(plain: string): Promise<string> {
  const { hash, Algorithm } = await load();
  return hash(plain, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

async function verify(hashed: string, plain: string): Promise<boolean> {
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
