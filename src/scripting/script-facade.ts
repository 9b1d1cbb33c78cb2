/**
 * The `openidm` object scripts see (OpenIDM's script API: `openidm.read(id)`, `openidm.query(resource,
 * params)`, ...), provided by the engine. Methods that reach other systems are asynchronous here, yet
 * OpenIDM scripts call them synchronously (`var user = openidm.read(id); user.mail`); ScriptRunner
 * bridges the two by replaying the script (see script-runner.ts). `decrypt` is local and synchronous.
 * Values are plain JSON; `read` resolves to null when the object does not exist, as in OpenIDM.
 */
export interface OpenidmFacade {
  create(
    resourceName: string,
    newResourceId: string | null,
    content: unknown,
    params?: unknown,
    fields?: unknown,
  ): Promise<unknown>;
  read(resourceName: string, params?: unknown, fields?: unknown): Promise<unknown>;
  update(
    resourceName: string,
    rev: string | null,
    value: unknown,
    params?: unknown,
    fields?: unknown,
  ): Promise<unknown>;
  patch(
    resourceName: string,
    rev: string | null,
    value: unknown,
    params?: unknown,
    fields?: unknown,
  ): Promise<unknown>;
  delete(resourceName: string, rev: string | null, params?: unknown, fields?: unknown): Promise<unknown>;
  query(resourceName: string, params: unknown, fields?: unknown): Promise<unknown>;
  action(
    resourceName: string,
    actionName: string,
    content?: unknown,
    params?: unknown,
    fields?: unknown,
  ): Promise<unknown>;
  decrypt(value: unknown): unknown;
}

export type ScriptLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Where `logger.info('...')` of a script goes; `script` names where the script is configured. */
export interface ScriptLogger {
  log(level: ScriptLogLevel, message: string, meta: { readonly script: string }): void;
}

export const IO_METHODS = ['create', 'read', 'update', 'patch', 'delete', 'query', 'action'] as const;
export type IoMethod = (typeof IO_METHODS)[number];

export function isIoMethod(name: string): name is IoMethod {
  return (IO_METHODS as readonly string[]).includes(name);
}

/** One `openidm.<method>(...)` call as a script made it, arguments already checked. */
export interface FacadeCall {
  readonly method: IoMethod;
  readonly args: readonly unknown[];
}

/** Checks the arguments a script passed (they come from untyped code) and names the first wrong one. */
export function checkCall(method: IoMethod, args: readonly unknown[]): FacadeCall | string {
  if (typeof args[0] !== 'string' || args[0] === '')
    return `openidm.${method}: expected a resource name string`;
  if (method === 'action' && typeof args[1] !== 'string')
    return 'openidm.action: expected an action name string';
  return { method, args };
}

const revision = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export async function performCall(facade: OpenidmFacade, call: FacadeCall): Promise<unknown> {
  const [resource, a, b, c, d] = call.args as [string, unknown, unknown, unknown, unknown];
  switch (call.method) {
    case 'create':
      return facade.create(resource, typeof a === 'string' ? a : null, b, c, d);
    case 'read':
      return facade.read(resource, a, b);
    case 'update':
      return facade.update(resource, revision(a), b, c, d);
    case 'patch':
      return facade.patch(resource, revision(a), b, c, d);
    case 'delete':
      return facade.delete(resource, revision(a), b, c);
    case 'query':
      return facade.query(resource, a ?? {}, b);
    case 'action':
      return facade.action(resource, a as string, b, c, d);
  }
}

/** SLF4J-style `{}` placeholders, as OpenIDM's script logger formats them. */
export function formatLogMessage(args: readonly unknown[]): string {
  const [template, ...rest] = args;
  let text = typeof template === 'string' ? template : (JSON.stringify(template) ?? String(template));
  for (const value of rest) {
    const at = text.indexOf('{}');
    if (at < 0) break;
    const shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    text = text.slice(0, at) + shown + text.slice(at + 2);
  }
  return text;
}
