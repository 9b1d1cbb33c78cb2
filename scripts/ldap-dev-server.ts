/**
 * `npm run ldap:start`: a local OpenLDAP with the sample directory (samples/sync-with-ldap-bidirectional) for the
 * quick start, on the port the sample's provisioner expects (`&{openidm.ldap.port|1389}`, so OPENIDM_LDAP_PORT
 * moves both). Runs slapd from Debian's package through the test harness, with its data and pid under
 * `<repo>/data/ldap/`; each start loads a fresh copy of the sample.
 *
 *   node dist/scripts/ldap-dev-server.js               foreground until Ctrl-C / SIGTERM
 *   node dist/scripts/ldap-dev-server.js --background  detached; returns once slapd answers
 *   node dist/scripts/ldap-dev-server.js --stop        stops a background server
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startSlapd } from '../test/support/slapd';
import { isAlive, readState, waitFor, type ServerState } from './ldap-dev-server.state';

const REPO_ROOT = resolve(__dirname, '..', '..');
const DATA_DIR = join(REPO_ROOT, 'data', 'ldap');
/** slapd's own directory (config, databases, slapd.pid), recreated on every start. */
const SLAPD_DIR = join(DATA_DIR, 'slapd');
const STATE_FILE = join(DATA_DIR, 'server.json');
const LOG_FILE = join(DATA_DIR, 'server.log');
const SAMPLE_LDIF = join(REPO_ROOT, 'samples', 'sync-with-ldap-bidirectional', 'data', 'Example.ldif');
/** The sample provisioner binds as this account (`openidm.ldap.principal` / `openidm.ldap.credentials`). */
const SAMPLE_BIND = { dn: 'cn=Directory Manager,dc=example,dc=com', password: 'password' };

function port(): number {
  const text = process.env.OPENIDM_LDAP_PORT ?? '1389';
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`OPENIDM_LDAP_PORT must be a port number, got '${text}'`);
  return value;
}

async function runForeground(): Promise<void> {
  const running = readState(STATE_FILE);
  if (running && isAlive(running.pid)) {
    throw new Error(
      `An LDAP dev server is already running (pid ${running.pid}, ${running.url}); stop it first`,
    );
  }
  await rm(SLAPD_DIR, { recursive: true, force: true });
  await mkdir(SLAPD_DIR, { recursive: true });
  const slapd = await startSlapd({ ldif: readFileSync(SAMPLE_LDIF, 'utf8'), port: port(), dir: SLAPD_DIR });
  const state: ServerState = { pid: process.pid, url: slapd.url, port: slapd.port };
  await writeFile(STATE_FILE, JSON.stringify(state));
  console.log(
    [
      `OpenLDAP is listening on ${slapd.url} with the sample directory (base ${slapd.baseDn}).`,
      `  bind DN:   ${SAMPLE_BIND.dn}`,
      `  password:  ${SAMPLE_BIND.password}`,
      `  try:       ldapsearch -x -H ${slapd.url} -D "${SAMPLE_BIND.dn}" -w ${SAMPLE_BIND.password} -b ${slapd.baseDn} "(uid=*)"`,
      `  data:      ${DATA_DIR} (pid ${process.pid} in server.json)`,
      process.env.CONCORD_LDAP_BACKGROUND
        ? '  stop:      npm run ldap:start -- --stop'
        : '  stop:      Ctrl-C (or SIGTERM to this process)',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await slapd.stop();
    await rm(STATE_FILE, { force: true });
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  // slapd exiting on its own (crash, port taken later) ends the launcher too, so its state file never lies.
  const watch = setInterval(() => {
    if (!slapd.running) {
      console.error('slapd exited unexpectedly');
      clearInterval(watch);
      void stop(1);
    }
  }, 1000);
}

async function runBackground(): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  const previous = readState(STATE_FILE);
  if (previous && isAlive(previous.pid)) {
    console.log(`An LDAP dev server is already running on ${previous.url} (pid ${previous.pid}).`);
    return;
  }
  await rm(STATE_FILE, { force: true });
  const log = openSync(LOG_FILE, 'w');
  const child = spawn(process.execPath, [__filename], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, CONCORD_LDAP_BACKGROUND: '1' },
  });
  child.unref();
  const started = await waitFor(30_000, () => {
    if (child.exitCode !== null) return 'exited';
    const state = readState(STATE_FILE);
    return state && state.pid === child.pid ? 'ready' : undefined;
  });
  const output = existsSync(LOG_FILE) ? readFileSync(LOG_FILE, 'utf8') : '';
  if (started !== 'ready') {
    throw new Error(`The LDAP dev server did not start (see ${LOG_FILE}):\n${output}`);
  }
  console.log(output.trim());
}

async function stopBackground(): Promise<void> {
  const state = readState(STATE_FILE);
  if (!state || !isAlive(state.pid)) {
    console.log('No LDAP dev server is running.');
    await rm(STATE_FILE, { force: true });
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const stopped = await waitFor(15_000, () => (isAlive(state.pid) ? undefined : 'stopped'));
  if (stopped !== 'stopped')
    throw new Error(`The LDAP dev server (pid ${state.pid}) did not stop within 15 s`);
  console.log(`Stopped the LDAP dev server on ${state.url}.`);
}

const args = process.argv.slice(2);
const main = args.includes('--stop')
  ? stopBackground
  : args.includes('--background')
    ? runBackground
    : runForeground;
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
