import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectProject } from '../../../src/config/project.loader';

describe('schedule files at start-up', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'concord-schedules-'));
    mkdirSync(join(dir, 'config'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown): void =>
    writeFileSync(join(dir, 'config', name), JSON.stringify(content));

  it('loads an OpenIDM schedule file under schedule/<name>', () => {
    write('schedule-recon.json', {
      enabled: false,
      persisted: true,
      schedule: '30 0/1 * * * ?',
      invokeService: 'sync',
      invokeContext: { action: 'reconcile', mapping: 'systemLdapAccounts_managedUser' },
    });
    const inspection = inspectProject(dir, {});
    expect(inspection.problems).toEqual([]);
    expect(inspection.files).toContainEqual({
      file: 'config/schedule-recon.json',
      key: 'schedule/recon',
      status: 'valid',
    });
  });

  it('stops the start naming the file, the JSON path and the reason of an invalid schedule', () => {
    write('schedule-bad.json', {
      schedule: '0 0 12 ? * 6#3 x',
      invokeService: 'sync',
      invokeContext: { mapping: 'm' },
    });
    expect(inspectProject(dir, {}).problems).toEqual([
      {
        file: 'config/schedule-bad.json',
        path: '/schedule',
        message:
          'expected a valid Quartz cron expression, got "0 0 12 ? * 6#3 x": year must be a number 1970-2099, got "x"',
      },
    ]);
  });
});
