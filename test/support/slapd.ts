/**
 * Test harness: a private OpenLDAP slapd (Debian package, recipe in shared/reference/toolchain-notes.md) on a free
 * port, with its own temp directory, optional LDAPS/StartTLS, and stop/kill/restart on the same port and data.
 * Used by integration tests, the LDAP benchmark and `npm run ldap:start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE_DN,
  DB_SUFFIX,
  ROOT_DN,
  ROOT_PASSWORD,
  SERVICE_DN,
  SERVICE_PASSWORD,
  baseLdif,
  renderSlapdConf,
} from './slapd.conf';
import { run, withoutEntries } from './slapd.tools';

export { BASE_DN, DB_SUFFIX, ROOT_DN, ROOT_PASSWORD, SERVICE_DN, SERVICE_PASSWORD };

export interface StartSlapdOptions {
  /** LDIF loaded offline with `slapadd -q` before the server starts (fast; not recorded in cn=accesslog). */
  readonly ldif?: string;
  /** Also listen on `ldaps://` and accept StartTLS, with a self-signed certificate for 127.0.0.1. */
  readonly tls?: boolean;
  /** Load the refint overlay for `uniqueMember`/`member`. */
  readonly refint?: boolean;
  /** Flush every commit to disk (slapd.conf.ts); tests leave it off. */
  readonly durable?: boolean;
  /** Fixed port instead of a free one (e.g. 1389 for the quick start). */
  readonly port?: number;
  /** Keep the data directory at this path instead of a temp dir (not removed by destroy()). */
  readonly dir?: string;
}

export interface SlapdInstance {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** `ldaps://127.0.0.1:<tlsPort>` when started with `tls`. */
  readonly ldapsUrl?: string;
  readonly tlsPort?: number;
  /** PEM of the self-signed certificate, to trust in a client's `tlsOptions.ca`. */
  readonly caCertFile?: string;
  readonly dir: string;
  readonly baseDn: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  readonly serviceDn: string;
  readonly servicePassword: string;
  /** `ldapadd` as the root DN. */
  add(ldif: string): Promise<void>;
  /** `ldapmodify` as the root DN (LDIF with changetype lines). */
  modify(ldif: string): Promise<void>;
  /** `ldapsearch` as the root DN; returns the LDIF text. */
  search(base: string, filter: string, attributes?: readonly string[]): Promise<string>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, as in a crash or outage. */
  kill(): Promise<void>;
  /** Start again on the same port(s) and data. */
  restart(): Promise<void>;
  readonly running: boolean;
  /** Stop and remove the temp directory. */
  destroy(): Promise<void>;
}

const SLAPD = '/usr/sbin/slapd';
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startSlapd(options: StartSlapdOptions = {}): Promise<SlapdInstance> {
  const host = '127.0.0.1';
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'concord-slapd-')));
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'accesslog'), { recursive: true });
  const tls = options.tls ? await makeCertificate(dir) : undefined;
  const confFile = join(dir, 'slapd.conf');
  await writeFile(confFile, renderSlapdConf({ dir, tls, refint: options.refint, durable: options.durable }));

  const baseDns = [DB_SUFFIX, BASE_DN, 'ou=Services,dc=example,dc=com', SERVICE_DN];
  const ldifFile = join(dir, 'initial.ldif');
  await writeFile(ldifFile, `${baseLdif()}\n${withoutEntries(options.ldif ?? '', baseDns)}`);
  await run('/usr/sbin/slapadd', ['-q', '-f', confFile, '-b', DB_SUFFIX, '-l', ldifFile]);

  const port = options.port ?? (await freePort());
  const tlsPort = tls ? await freePort() : undefined;
  const url = `ldap://${host}:${port}`;
  const ldapsUrl = tlsPort ? `ldaps://${host}:${tlsPort}` : undefined;
  const listen = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ');
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    // `-d 0` keeps slapd in the foreground so that we own its pid; it logs nothing at level 0.
    const proc = spawn(SLAPD, ['-h', listen, '-f', confFile, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    child = proc;
    await waitForPort(host, port, proc, () => stderr);
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(sig);
    await exited;
  };
  const asRoot = ['-x', '-H', url, '-D', ROOT_DN, '-w', ROOT_PASSWORD];

  await start();
  return {
    host,
    port,
    url,
    ldapsUrl,
    tlsPort,
    caCertFile: tls?.certFile,
    dir,
    baseDn: BASE_DN,
    rootDn: ROOT_DN,
    rootPassword: ROOT_PASSWORD,
    serviceDn: SERVICE_DN,
    servicePassword: SERVICE_PASSWORD,
    add: async (ldif) => void (await run('/usr/bin/ldapadd', asRoot, ldif)),
    modify: async (ldif) => void (await run('/usr/bin/ldapmodify', asRoot, ldif)),
    search: (base, filter, attributes = []) =>
      run('/usr/bin/ldapsearch', [
        ...asRoot,
        '-LLL',
        '-o',
        'ldif-wrap=no',
        '-b',
        base,
        filter,
        ...attributes,
      ]),
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await start();
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    destroy: async () => {
      await signal('SIGTERM');
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(
  host: string,
  port: number,
  proc: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`slapd exited with ${proc.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  proc.kill('SIGKILL');
  throw new Error(`slapd did not listen on ${host}:${port} within 15 s: ${stderr()}`);
}

async function makeCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await run('/usr/bin/openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile };
}
