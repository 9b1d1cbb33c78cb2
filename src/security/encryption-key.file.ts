import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseKey } from './field-crypto';

export interface EncryptionKeyChoice {
  readonly key: Buffer;
  /** Where the key came from, for the start-up log (never the key itself). */
  readonly origin: 'configured' | 'generated' | 'key file';
  readonly file?: string;
}

/**
 * The AES-256 key for `encryption` properties: `CONCORD_ENCRYPTION_KEY` / `openidm.encryption.key` when set;
 * otherwise a key generated once into `<project>/data/encryption.key` (mode 0600) so the quick start needs no
 * setup. Several nodes on one database must share a configured key.
 */
export function chooseEncryptionKey(configured: string | undefined, projectDir: string): EncryptionKeyChoice {
  if (configured) return { key: parseKey(configured), origin: 'configured' };
  const file = path.join(projectDir, 'data', 'encryption.key');
  if (existsSync(file)) return { key: parseKey(readFileSync(file, 'utf8').trim()), origin: 'key file', file };
  const key = randomBytes(32);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, origin: 'generated', file };
}
