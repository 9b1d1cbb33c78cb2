import type { z } from 'zod';
import { jsonPointer } from '../core/config/property-substitution';
import type { ConfigProblem } from './config.error';
import { isSecretPath, maskUrl } from './secret.mask';

type Issue = z.core.$ZodIssue;
type Segment = string | number;

/**
 * Turns zod issues into "expected <what>, got <what>" problems. The "got" part is read from the validated
 * document itself (zod does not keep inputs by default), and secrets in it are hidden.
 */
export function issuesToProblems(issues: readonly Issue[], document: unknown, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) collect(issue, [], document, file, problems);
  return problems;
}

function collect(issue: Issue, base: Segment[], document: unknown, file: string, out: ConfigProblem[]): void {
  const segments = [...base, ...issue.path.map(toSegment)];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A branch whose issues all lie below the union's own value recognised the value's type: report its
    // detailed issues (a `{"$hash": ...}` password with a bad algorithm) instead of "expected string or object".
    const matched = issue.errors.filter((branch) => branch.every((sub) => sub.path.length > 0));
    if (matched.length === 1) {
      for (const sub of matched[0] as Issue[]) collect(sub, segments, document, file, out);
      return;
    }
  }
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      out.push({
        file,
        path: jsonPointer([...segments, key]),
        message: `expected no key other than the documented ones, got unknown key "${key}"`,
      });
    }
    return;
  }
  const expected = describeExpected(issue);
  const message = expected.includes(', got ')
    ? expected
    : `${expected}, got ${describeValue(valueAt(document, segments), segments)}`;
  out.push({ file, path: jsonPointer(segments), message });
}

function describeExpected(issue: Issue): string {
  // Messages written in the schemas start with "expected"; zod's defaults ("Invalid input: ...") do not.
  if (issue.message.startsWith('expected ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${article(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      const options = issue.errors.map((branch) =>
        branch[0] ? describeExpected(branch[0]).slice(9) : 'something',
      );
      return `expected ${[...new Set(options)].join(' or ')}`;
    }
    case 'too_small':
      return issue.origin === 'string'
        ? `expected a string of at least ${issue.minimum} characters`
        : issue.origin === 'array'
          ? `expected at least ${issue.minimum} item(s)`
          : `expected a value ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `expected a string of at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `expected at most ${issue.maximum} item(s)`
          : `expected a value ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_format':
      return `expected a string in ${issue.format} format`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    case 'invalid_key':
      return `expected valid keys`;
    case 'invalid_element':
      return `expected valid elements`;
    case 'unrecognized_keys':
    case 'custom':
      return `expected ${issue.message}`;
  }
}

function article(type: string): string {
  switch (type) {
    case 'object':
    case 'array':
    case 'integer':
      return `an ${type}`;
    case 'int':
      return 'an integer';
    case 'string':
    case 'number':
    case 'boolean':
      return `a ${type}`;
    default:
      return type;
  }
}

function toSegment(key: PropertyKey): Segment {
  return typeof key === 'number' ? key : String(key);
}

function valueAt(document: unknown, segments: readonly Segment[]): unknown {
  let node = document;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}

/** How a value is shown after "got": its type, and for scalars the value unless it is a secret. */
export function describeValue(value: unknown, segments: readonly Segment[] = []): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === 'object') return 'an object';
  if (isSecretPath(segments)) return `a ${typeof value} (value hidden)`;
  if (typeof value === 'string') {
    const shown = maskUrl(value);
    return `string ${JSON.stringify(shown.length > 60 ? shown.slice(0, 57) + '...' : shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}
