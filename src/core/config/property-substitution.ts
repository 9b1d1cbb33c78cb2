import { DomainError } from '../errors/domain-error';

/**
 * OpenIDM-style property substitution in config values: `&{name}` and `&{name|default}` inside any string of a
 * JSON value are replaced by the property's value. Only string values are touched, never object keys, and the
 * result of a substitution is always a string (OpenIDM's `PropertyUtil` does the same), so a file that writes
 * `"poolSize": "&{db.pool|10}"` receives `"10"`; schemas accept numeric strings where a number is expected.
 *
 * Where a property's value comes from (environment, boot.properties) is the caller's business: `lookup` is the
 * only source, and an inline default is used only when `lookup` returns undefined.
 */

export type PropertyLookup = (name: string) => string | undefined;

/** One unresolvable reference, with where it was found (file, and JSON Pointer inside it). */
export interface PropertyProblem {
  readonly where: string;
  readonly path: string;
  readonly property: string;
  readonly message: string;
}

export interface SubstitutionResult {
  readonly value: unknown;
  readonly problems: readonly PropertyProblem[];
}

// `&{` name (no `}` or `|`) optionally `|default` (no `}`), then `}`. Names and defaults cannot contain `}`.
const REFERENCE = /&\{([^}|]*)(?:\|([^}]*))?\}/g;

/**
 * The environment variable OpenIDM-style deployments use for a property: upper-case, `.` and `-` become `_`
 * (`openidm.port.http` → `OPENIDM_PORT_HTTP`).
 */
export function propertyEnvName(name: string): string {
  return name.replace(/[.-]/g, '_').toUpperCase();
}

/** JSON Pointer (RFC 6901) of a path, `/` for the document itself so messages never show an empty path. */
export function jsonPointer(segments: readonly (string | number)[]): string {
  if (segments.length === 0) return '/';
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Substitutes every reference and reports every unresolvable one instead of stopping at the first. */
export function substituteProperties(
  value: unknown,
  lookup: PropertyLookup,
  where: string,
): SubstitutionResult {
  const problems: PropertyProblem[] = [];
  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return substituteString(node, lookup, where, path, problems);
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = visit(child, [...path, key]);
      return out;
    }
    return node;
  };
  const result = visit(value, []);
  return { value: result, problems };
}

/**
 * Like `substituteProperties` but throws a CONFIG_INVALID DomainError listing every unresolvable property as
 * `<where>: <json path>: <message>`.
 */
export function resolveProperties(value: unknown, lookup: PropertyLookup, where: string): unknown {
  const { value: resolved, problems } = substituteProperties(value, lookup, where);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.where}: ${p.path}: ${p.message}`);
    throw new DomainError('CONFIG_INVALID', `Unresolved config properties:\n${lines.join('\n')}`, {
      problems: problems.map((p) => ({ ...p })),
    });
  }
  return resolved;
}

function substituteString(
  text: string,
  lookup: PropertyLookup,
  where: string,
  path: (string | number)[],
  problems: PropertyProblem[],
): string {
  if (!text.includes('&{')) return text;
  return text.replace(REFERENCE, (whole, rawName: string, fallback: string | undefined) => {
    const name = rawName.trim();
    if (name === '') {
      problems.push({
        where,
        path: jsonPointer(path),
        property: '',
        message: `expected a property name inside &{...}, got "${whole}"`,
      });
      return whole;
    }
    const found = lookup(name);
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    problems.push({
      where,
      path: jsonPointer(path),
      property: name,
      message:
        `expected property "${name}" to be defined (environment variable ${propertyEnvName(name)}, ` +
        `boot.properties, or a default as &{${name}|value}), got no value`,
    });
    return whole;
  });
}
