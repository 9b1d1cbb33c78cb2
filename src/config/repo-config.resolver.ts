import { isAbsolute, resolve } from 'node:path';
import type { ConfigProblem } from './config.error';
import {
  DEFAULT_EMBEDDED_DIR,
  DEFAULT_PG_SCHEMA,
  DEFAULT_POOL_SIZE,
  type RepoConfig,
  type RepoFile,
} from './repo-config.schema';
import { maskUrl } from './secret.mask';

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/i;

/**
 * Settles where data lives: `DATABASE_URL` wins (schema and pool size still come from repo.json's
 * "postgres" section when present), then repo.json, then an embedded database in `<project>/data/db`.
 */
export function resolveRepo(
  projectDir: string,
  file: { name: string; value: RepoFile } | undefined,
  env: NodeJS.ProcessEnv,
): { repo?: RepoConfig; problems: ConfigProblem[] } {
  const pg = file?.value.postgres;
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl !== undefined && databaseUrl !== '') {
    return postgres(databaseUrl, { file: 'environment', path: '/DATABASE_URL' }, pg);
  }
  if (pg) {
    if (pg.url === undefined) {
      const where = { file: file.name, path: '/postgres/url' };
      return {
        problems: [{ ...where, message: 'expected a postgres URL here or in DATABASE_URL, got nothing' }],
      };
    }
    return postgres(pg.url, { file: file.name, path: '/postgres/url' }, pg);
  }
  const dataDir = file?.value.embedded?.dataDir ?? DEFAULT_EMBEDDED_DIR;
  return {
    repo: { kind: 'embedded', dataDir: isAbsolute(dataDir) ? dataDir : resolve(projectDir, dataDir) },
    problems: [],
  };
}

function postgres(
  url: string,
  where: { file: string; path: string },
  pg: RepoFile['postgres'],
): { repo?: RepoConfig; problems: ConfigProblem[] } {
  if (!POSTGRES_URL.test(url)) {
    const shown = JSON.stringify(maskUrl(url));
    return { problems: [{ ...where, message: `expected a postgres:// or postgresql:// URL, got ${shown}` }] };
  }
  return {
    repo: {
      kind: 'postgres',
      url,
      schema: pg?.schema ?? DEFAULT_PG_SCHEMA,
      poolSize: pg?.poolSize ?? DEFAULT_POOL_SIZE,
    },
    problems: [],
  };
}

/** The repository as it may be printed or logged: the URL's password masked. */
export function describeRepo(repo: RepoConfig): string {
  return repo.kind === 'postgres'
    ? `PostgreSQL ${maskUrl(repo.url)} (schema ${repo.schema}, pool ${repo.poolSize})`
    : `embedded PGlite in ${repo.dataDir}`;
}
