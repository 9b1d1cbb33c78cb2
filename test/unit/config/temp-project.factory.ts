import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FIXTURES = join(__dirname, 'fixtures');

const created: string[] = [];

/**
 * A throw-away project directory: optionally a copy of a fixture, plus files written as given
 * (`{'config/managed.json': '{...'}`). Broken JSON cannot live in the fixtures folder (Prettier checks it).
 */
export function tempProject(files: Record<string, string> = {}, fromFixture?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'concord-config-'));
  created.push(dir);
  if (fromFixture !== undefined) cpSync(join(FIXTURES, fromFixture), dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function removeTempProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The error `fn` throws; fails the test when it does not throw. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw, it returned normally');
}
