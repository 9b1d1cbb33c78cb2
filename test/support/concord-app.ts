import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import request from 'supertest';
import { createConcordApp, type ConcordApp } from '../../src/app.factory';
import { loadProject } from '../../src/config/project.loader';
import type { RepoSettings } from '../../src/persistence/repo-settings';

/** The project config every e2e test starts from (managed.json with `user` and `role`). */
export const DEFAULT_CONFIG_DIR = join(__dirname, '..', '..', 'config');
export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };

export type RepoKind = 'postgres' | 'embedded';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

export interface StartOptions {
  /** `postgres`: a fresh schema on the real server; `embedded`: PGlite under `<project>/data/`. */
  readonly repo: RepoKind;
  /** Reuse a project directory (and so its embedded data and encryption key), e.g. to test a restart. */
  readonly projectDir?: string;
  /** Reuse a PostgreSQL schema, e.g. to test a restart. */
  readonly schema?: string;
  /** Extra environment for `loadProject` (the process environment is not consulted). */
  readonly env?: NodeJS.ProcessEnv;
  /** Keep the app's log lines in memory for `logs()` (e.g. to prove a secret is never logged). */
  readonly captureLogs?: boolean;
}

/** A running Concord on a throw-away project, plus the means to call it and look behind it. */
export interface TestConcord {
  readonly concord: ConcordApp;
  readonly server: Server;
  readonly repo: RepoKind;
  readonly projectDir: string;
  /** The PostgreSQL schema (postgres repo only). */
  readonly schema?: string;
  /** An unauthenticated request. */
  call(method: Method, path: string): request.Test;
  /** A request carrying the openidm-admin headers. */
  admin(method: Method, path: string): request.Test;
  /** Everything logged so far, when started with `captureLogs`. */
  logs(): string;
  /** Rows of `managed_objects` read straight from PostgreSQL, bypassing the app (postgres repo only). */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Stops the app; the data (schema or data dir) stays for a restart. */
  stop(): Promise<void>;
  /** Stops the app and removes its data: the schema is dropped, the project directory deleted. */
  destroy(): Promise<void>;
}

/**
 * Discards log lines (tests read responses, not logs) unless asked to keep them in `sink`.
 * `E2E_LOGS=1` shows them, to debug a failing test.
 */
function logDestination(sink: string[] | undefined): NodeJS.WritableStream {
  if (process.env.E2E_LOGS === '1') return process.stderr;
  return new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      sink?.push(chunk.toString());
      done();
    },
  });
}

export function newSchemaName(): string {
  return `e2e_${randomBytes(6).toString('hex')}`;
}

/** A temp copy of config/ so that `data/` (embedded database, encryption key) lands in a temp dir. */
export function tempProjectDir(configDir: string = DEFAULT_CONFIG_DIR): string {
  const dir = mkdtempSync(join(tmpdir(), 'concord-e2e-'));
  cpSync(configDir, join(dir, 'config'), { recursive: true });
  return dir;
}

export async function startConcord(options: StartOptions): Promise<TestConcord> {
  const projectDir = options.projectDir ?? tempProjectDir();
  const project = loadProject(projectDir, { ...options.env });
  const schema = options.repo === 'postgres' ? (options.schema ?? newSchemaName()) : undefined;
  const repo: RepoSettings =
    schema !== undefined ? { kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 8 } : project.repo;
  const sink: string[] | undefined = options.captureLogs ? [] : undefined;
  const concord = await createConcordApp(project, { repo, logDestination: logDestination(sink) });
  await concord.app.init();
  const server = concord.app.getHttpServer() as Server;
  let client: Client | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await client?.end();
    client = undefined;
    await concord.close();
  };

  return {
    concord,
    server,
    repo: options.repo,
    projectDir,
    schema,
    call: (method, path) => request(server)[method](path),
    admin: (method, path) => request(server)[method](path).set(ADMIN),
    logs: () => (sink ?? []).join(''),
    async sql<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
      if (schema === undefined) throw new Error('sql() needs the postgres repository');
      if (!client) {
        client = new Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`SET search_path TO "${schema}"`);
      }
      const result = await client.query(text, params);
      return result.rows as Row[];
    },
    stop,
    async destroy(): Promise<void> {
      await stop();
      if (schema !== undefined) await dropSchema(schema);
      rmSync(projectDir, { recursive: true, force: true });
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
