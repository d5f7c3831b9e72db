// The demo's own user accounts (mfakit handles only the second factor): email, a scrypt password
// hash, organisation memberships. In memory; a real app keeps these in its database. The MFA
// account id is an opaque random id, never the email address (it becomes the WebAuthn user handle).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface DemoUser {
  readonly id: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly createdAt: number;
  /** Organisation id -> when the user joined. */
  readonly organisations: Map<string, number>;
}

/** `scrypt$N$r$p$salt$hash`, base64url. Demo only: use a vetted password library in production. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, hash] = stored.split('$');
  if (tag !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash to compare against when the email is unknown, so both cases take as long. */
let dummyHash: Promise<string> | undefined;

/** Where users are written through to (PostgreSQL when the demo runs on it). */
export interface UserPersistence {
  loadAll(): Promise<DemoUser[]>;
  save(user: DemoUser): Promise<void>;
}

export class UserDirectory {
  private readonly byId = new Map<string, DemoUser>();
  private readonly byEmail = new Map<string, DemoUser>();

  constructor(private readonly persistence?: UserPersistence) {}

  /** Loads the persisted users (at start-up). */
  async load(): Promise<void> {
    for (const user of (await this.persistence?.loadAll()) ?? []) {
      this.byId.set(user.id, user);
      this.byEmail.set(user.email, user);
    }
  }

  /** Writes a changed user through (organisation memberships). */
  async save(user: DemoUser): Promise<void> {
    await this.persistence?.save(user);
  }

  static normaliseEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  get(id: string): DemoUser | undefined {
    return this.byId.get(id);
  }

  findByEmail(email: string): DemoUser | undefined {
    return this.byEmail.get(UserDirectory.normaliseEmail(email));
  }

  async create(email: string, password: string): Promise<DemoUser> {
    const normalised = UserDirectory.normaliseEmail(email);
    if (this.byEmail.has(normalised)) throw new Error('an account with this email already exists');
    const user: DemoUser = {
      id: 'u_' + randomBytes(12).toString('base64url'),
      email: normalised,
      passwordHash: await hashPassword(password),
      createdAt: Date.now(),
      organisations: new Map(),
    };
    await this.persistence?.save(user);
    this.byId.set(user.id, user);
    this.byEmail.set(normalised, user);
    return user;
  }

  /** The user when email and password match, else undefined (same work either way). */
  async authenticate(email: string, password: string): Promise<DemoUser | undefined> {
    const user = this.findByEmail(email);
    if (user === undefined) {
      dummyHash ??= hashPassword('not a password');
      await checkPassword(password, await dummyHash);
      return undefined;
    }
    return (await checkPassword(password, user.passwordHash)) ? user : undefined;
  }
}
