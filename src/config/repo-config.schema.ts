import { z } from 'zod';
import { intLike, nonEmptyString } from './schema.helpers';

/**
 * `repo.json` (Concord's own file; OpenIDM's repo.jdbc.json is not read): where managed objects, links and
 * audit live. `DATABASE_URL` in the environment overrides the file's URL.
 *   {"postgres": {"url": "postgresql://user:pw@host:5432/db", "schema": "concord", "poolSize": 10}}
 *   {"embedded": {"dataDir": "data/db"}}      (PGlite; relative paths are relative to the project)
 */

const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const repoConfigSchema = z
  .strictObject({
    postgres: z
      .strictObject({
        url: nonEmptyString('a postgres:// or postgresql:// URL').optional(),
        schema: z
          .string({ error: 'expected a schema name (letters, digits, "_")' })
          .regex(SQL_IDENTIFIER, { error: 'expected a schema name (letters, digits, "_")' })
          .optional(),
        // Two at least: a live-sync run holds one connection (its cross-node lock) while its work uses others.
        poolSize: intLike(2, 1000).optional(),
      })
      .optional(),
    embedded: z.strictObject({ dataDir: nonEmptyString('a directory path').optional() }).optional(),
  })
  .superRefine(
    (repo, ctx) => {
      if (repo.postgres && repo.embedded) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: 'expected either "postgres" or "embedded", got both',
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type RepoFile = z.output<typeof repoConfigSchema>;

export type RepoConfig =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly poolSize: number }
  | { readonly kind: 'embedded'; readonly dataDir: string };

export const DEFAULT_PG_SCHEMA = 'public';
export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_EMBEDDED_DIR = 'data/db';
