import { rmSync } from 'node:fs';
import type { ConcordProcess } from '../../../bench/support/concord-process';
import { runUntil, startNodeProcess, tickProject } from './two-nodes.fixture';

/** The embedded database (no DATABASE_URL) belongs to one process; a second one says so and stops. */
describe('embedded database', () => {
  let first: ConcordProcess | undefined;
  let projectDir: string;

  beforeAll(() => {
    projectDir = tickProject();
  });

  afterAll(async () => {
    await first?.stop();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('refuses a second process on the same data directory, naming the first one', async () => {
    const env = { DATABASE_URL: '' };
    first = await startNodeProcess(projectDir, env);
    const output = await runUntil(projectDir, env, 'Concord did not start');
    expect(output).toContain(
      `is already open in process ${first.child.pid}: the embedded database is single-node`,
    );
  }, 120_000);
});
