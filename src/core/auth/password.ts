/**
 * Password hashing with argon2id at OWASP's recommended parameters (19 MiB memory,
 * 2 iterations, 1 lane). Verification of an unknown identity still does the same
 * work against a dummy hash, so timing does not reveal which identities exist.
 */
import { hash, verify, Algorithm } from '@node-rs/argon2';

const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (plain: string) => hash(plain, OPTIONS);

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
