import type { ScriptSpec } from '../../../src/core/sync/script';
import type { OpenidmFacade, ScriptLogLevel, ScriptLogger } from '../../../src/scripting/script-facade';
import { ScriptRunner, type ScriptRunnerOptions } from '../../../src/scripting/script-runner';

export function inline(source: string, more: Partial<ScriptSpec> = {}): ScriptSpec {
  return {
    type: 'text/javascript',
    source,
    globals: {},
    extra: {},
    where: 'sync.json /mappings/0/onCreate',
    ...more,
  };
}

export function fromFile(file: string, more: Partial<ScriptSpec> = {}): ScriptSpec {
  return {
    type: 'text/javascript',
    file,
    globals: {},
    extra: {},
    where: 'sync.json /mappings/0/validSource',
    ...more,
  };
}

/** An in-memory object store behind the `openidm` facade, recording every call that reaches it. */
export class MemoryFacade implements OpenidmFacade {
  readonly calls: string[] = [];
  readonly objects = new Map<string, Record<string, unknown>>();
  private nextId = 1;

  async create(resourceName: string, newResourceId: string | null, content: unknown): Promise<unknown> {
    const id = newResourceId ?? `id${this.nextId++}`;
    this.calls.push(`create ${resourceName}/${id}`);
    const object = { ...(content as Record<string, unknown>), _id: id };
    this.objects.set(`${resourceName}/${id}`, object);
    return object;
  }
  async read(resourceName: string): Promise<unknown> {
    this.calls.push(`read ${resourceName}`);
    return this.objects.get(resourceName) ?? null;
  }
  async update(resourceName: string, _rev: string | null, value: unknown): Promise<unknown> {
    this.calls.push(`update ${resourceName}`);
    this.objects.set(resourceName, value as Record<string, unknown>);
    return value;
  }
  async patch(resourceName: string): Promise<unknown> {
    this.calls.push(`patch ${resourceName}`);
    return this.objects.get(resourceName) ?? null;
  }
  async delete(resourceName: string): Promise<unknown> {
    this.calls.push(`delete ${resourceName}`);
    const existing = this.objects.get(resourceName) ?? null;
    this.objects.delete(resourceName);
    return existing;
  }
  async query(resourceName: string, params: unknown): Promise<unknown> {
    this.calls.push(`query ${resourceName} ${JSON.stringify(params)}`);
    const result = [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${resourceName}/`))
      .map(([, value]) => value);
    return { result, resultCount: result.length };
  }
  async action(resourceName: string, actionName: string): Promise<unknown> {
    this.calls.push(`action ${resourceName} ${actionName}`);
    if (actionName === 'fail') throw new Error('action refused by the resource');
    return { status: 'OK' };
  }
  decrypt(value: unknown): unknown {
    const crypto = (value as { $crypto?: { value?: string } } | null)?.$crypto;
    return crypto?.value === undefined ? value : `decrypted:${crypto.value}`;
  }
}

export class MemoryLogger implements ScriptLogger {
  readonly lines: string[] = [];
  log(level: ScriptLogLevel, message: string, meta: { script: string }): void {
    this.lines.push(`${level} ${message} [${meta.script}]`);
  }
}

export function runner(options: Partial<ScriptRunnerOptions> = {}) {
  const openidm = new MemoryFacade();
  const logger = new MemoryLogger();
  const scripts = new ScriptRunner({ projectDir: __dirname, openidm, logger, timeoutMs: 200, ...options });
  return { scripts, openidm, logger };
}
