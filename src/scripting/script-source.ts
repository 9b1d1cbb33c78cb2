import { DomainError } from '../core/errors/domain-error';

/**
 * Syntax refused in sync scripts, found in the source text before compiling. Scripts cannot build these
 * keywords at run time (eval and `new Function` are disabled in the sandbox, escaped keywords are syntax
 * errors), so a textual check is enough; it may also refuse the same text inside a string literal, which
 * the message makes easy to work around.
 *
 * - `import(...)`: without `--experimental-vm-modules` Node rejects it with a *host* TypeError, whose
 *   constructor leads to the host's `Function` and from there to `process`.
 * - `async` functions: their continuations run as microtasks, and a time limit that strikes inside the
 *   sandbox's microtask queue aborts the whole Node process when async hooks are enabled (as they are
 *   under AsyncLocalStorage-based request logging; measured on Node 20). OpenIDM's scripts are
 *   synchronous anyway, and `Promise` is removed from the sandbox for the same reason.
 */
const REFUSED: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /(^|[^.\w$])import\s*[(/]/, what: 'import()' },
  { pattern: /(^|[^.\w$])async(?![\w$])(?!\s*:)/, what: 'async functions' },
];

export function refuseUnsupportedSyntax(source: string, where: string): void {
  for (const { pattern, what } of REFUSED) {
    const match = pattern.exec(source);
    if (match === null) continue;
    const line = source.slice(0, match.index + match[0].length).split('\n').length;
    throw new DomainError(
      'CONFIG_INVALID',
      `Script in ${where} uses ${what} (line ${line}), which sync scripts may not use; ` +
        'scripts run synchronously, as in OpenIDM, and call openidm.* directly',
      { script: where, line },
    );
  }
}
