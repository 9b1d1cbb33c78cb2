/**
 * Several real Concord processes (bin/concord.js, built by `npm run build`) on one fresh PostgreSQL database
 * and one private slapd, with the sample's sync.json: what the cluster tests start. Requests go over HTTP
 * to a chosen node, as a load balancer would send them.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADMIN_HEADERS,
  REPO_ROOT,
  tempProject,
  type ConcordProcess,
} from '../../../bench/support/concord-process';
import { person, personLdif } from '../../../bench/support/ldap-bench.support';
import { send } from '../../../bench/support/load';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory, PEOPLE_DN } from '../../support/slapd.factory';
import { startNodeProcess } from '../scheduler/two-nodes.fixture';

export { freshDatabase } from '../scheduler/two-nodes.fixture';

export const SAMPLE_CONFIG = join(REPO_ROOT, 'samples/sync-with-ldap-bidirectional/config');
export const LDAP_TO_MANAGED = 'systemLdapAccounts_managedUser';

/**
 * The property that slows each entry of LDAP → managed recon down, in ms (env `CONCORD_TEST_ENTRY_DELAY_MS`).
 * A recon over a few thousand entries then lasts long enough to be followed, cancelled or interrupted; a node
 * started without it reconciles at full speed.
 */
const DELAY_PROPERTY = 'concord.test.entry.delay.ms';
export const entryDelayEnv = (ms: number): Record<string, string> => ({
  CONCORD_TEST_ENTRY_DELAY_MS: String(ms),
});

/** A temp project with the sample's config; `slowRecon` adds the entry delay to the LDAP → managed mapping. */
export function sampleProject(options: { slowRecon?: boolean } = {}): string {
  const dir = tempProject(SAMPLE_CONFIG);
  if (options.slowRecon) {
    const file = join(dir, 'config', 'sync.json');
    const sync = JSON.parse(readFileSync(file, 'utf8')) as {
      mappings: { name: string; properties: { source: string; target: string; transform?: unknown }[] }[];
    };
    const mapping = sync.mappings.find((m) => m.name === LDAP_TO_MANAGED);
    const cn = mapping?.properties.find((p) => p.target === 'displayName');
    if (cn === undefined) throw new Error('the sample mapping has no cn → displayName property');
    // A wall-clock wait: the run lasts at least entries × delay however busy the machine is.
    cn.transform = {
      type: 'text/javascript',
      source: `var until = Date.now() + Number('&{${DELAY_PROPERTY}|0}'); while (Date.now() < until) {} source;`,
    };
    writeFileSync(file, JSON.stringify(sync, null, 2));
  }
  return dir;
}

/** A private slapd with the sample directory plus `count` generated people (`load0000001`, ...), loaded offline. */
export function directoryWith(count: number): Promise<SlapdInstance> {
  let ldif = factory.sampleLdif();
  for (let i = 1; i <= count; i++) ldif += `\n${personLdif(person('load', i), PEOPLE_DN)}`;
  return startSlapd({ ldif });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON bodies and events that tests read freely
export type Json = any;
export type JsonRecord = Record<string, Json>;

export interface Node {
  readonly nodeId: string;
  readonly process: ConcordProcess;
  /** An admin request to this node; the body parsed as JSON when it is. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

/** The key every node of a test cluster shares, as the README asks (nodes may then start at the same time). */
const CLUSTER_KEY = randomBytes(32).toString('base64');

/** Starts node `nodeId` on the database and directory. */
export async function startNode(
  nodeId: string,
  options: { projectDir: string; databaseUrl: string; slapd: SlapdInstance; env?: Record<string, string> },
): Promise<Node> {
  const child = await startNodeProcess(options.projectDir, {
    DATABASE_URL: options.databaseUrl,
    CONCORD_ENCRYPTION_KEY: CLUSTER_KEY,
    CONCORD_NODE_ID: nodeId,
    OPENIDM_LDAP_HOST: options.slapd.host,
    OPENIDM_LDAP_PORT: String(options.slapd.port),
    ...options.env,
  });
  return {
    nodeId,
    process: child,
    async request(method, path, body) {
      const res = await adminRequest(child.port, method, path, body);
      let parsed: unknown = res.body;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
  };
}

/**
 * One request on its own connection: a pooled keep-alive socket can be closed by the server's idle timeout
 * just as it is reused (ECONNRESET), which a test must not mistake for a failure of Concord.
 */
export function adminRequest(
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return send({ port, headers: ADMIN_HEADERS, agent: false }, { method, path, body });
}

/** SIGKILL, as a crash: no shutdown hook runs, the node's rows stay as they were. */
export async function killNode(node: Node): Promise<void> {
  const { child } = node.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Polls `probe` until it answers something other than undefined. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A Server-Sent Events stream being read: every `data:` event so far, parsed, and its end. */
export interface EventStream {
  readonly events: JsonRecord[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Resolves with the first event (already received or to come) that `match` accepts. */
  next(match: (event: JsonRecord) => boolean, timeoutMs?: number): Promise<JsonRecord>;
  close(): void;
}

/** `GET path` with `Accept: text/event-stream` on `node`. */
export function followEvents(node: Node, path: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const events: JsonRecord[] = [];
    const waiters = new Set<() => void>();
    let endStream: () => void = () => undefined;
    let streamEnded = false;
    const ended = new Promise<void>((done) => (endStream = done));
    const request = http.get(
      {
        host: '127.0.0.1',
        port: node.process.port,
        path,
        headers: { ...ADMIN_HEADERS, Accept: 'text/event-stream' },
      },
      (response) => {
        if (
          response.statusCode !== 200 ||
          !String(response.headers['content-type']).includes('text/event-stream')
        ) {
          reject(
            new Error(`event stream answered ${response.statusCode} ${response.headers['content-type']}`),
          );
          response.resume();
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).trim())
              .join('\n');
            if (data !== '') events.push(JSON.parse(data) as JsonRecord);
          }
          for (const wake of [...waiters]) wake();
        });
        response.on('end', () => {
          streamEnded = true;
          endStream();
          for (const wake of [...waiters]) wake();
        });
        resolve({
          events,
          ended,
          close: () => request.destroy(),
          next(match, timeoutMs = 30_000) {
            return new Promise((found, fail) => {
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
              }, timeoutMs);
              const check = (): void => {
                const event = events.find(match);
                if (event !== undefined || streamEnded) {
                  clearTimeout(timer);
                  waiters.delete(check);
                  if (event !== undefined) found(event);
                  else
                    fail(
                      new Error(`the stream ended without a matching event; got ${JSON.stringify(events)}`),
                    );
                }
              };
              waiters.add(check);
              check();
            });
          },
        });
      },
    );
    request.on('error', reject);
  });
}

/**
 * How far a run has gone through its source, from a summary or a progress event: entries taken up (`total`
 * grows as the source is read) plus entries finished (`processed`, which batched creates move a chunk at a time).
 */
export function sourceProgress(summaryOrEvent: JsonRecord): number {
  const existing = summaryOrEvent['progress']?.source?.existing ?? {};
  const taken = Number(existing.total);
  return (Number.isFinite(taken) ? taken : 0) + Number(existing.processed ?? 0);
}
