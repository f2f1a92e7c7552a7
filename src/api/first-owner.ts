import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { MetadataStore } from '../store/types.ts';
import { hashPassword } from './passwords.ts';

/**
 * Creates the first API owner on an empty database: the one from FURROW_OWNER_USERNAME and
 * FURROW_OWNER_PASSWORD, else `admin` with a random password that is shown once (through
 * `announce`) and never stored in clear. The first owner is the administrator, who can create the others.
 */
export async function ensureFirstOwner(store: MetadataStore, config: Pick<Config, 'firstOwner'>, announce: (line: string) => void): Promise<void> {
  if ((await store.countOwners()) > 0) return;
  const username = config.firstOwner?.username ?? 'admin';
  const password = config.firstOwner?.password ?? randomBytes(18).toString('base64url');
  await store.createOwner(username, await hashPassword(password), { admin: true });
  if (config.firstOwner) announce(`furrow: created API owner "${username}"`);
  else announce(`furrow: created API owner "admin" with password ${password} (shown only this once; keep it safe)`);
}
