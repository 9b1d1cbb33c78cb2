import { z } from 'zod';
import { isPlainObject } from '../core/json-pointer/json-pointer';

/**
 * Building blocks for config schemas. OpenIDM files carry many keys Concord ignores, so objects are loose
 * (unknown keys pass through) but a key that is a near-miss of a key Concord reads (`serchable`, `Unique`) is
 * reported: typos in what Concord uses fail the start, OpenIDM extras do not.
 */

/** Levenshtein distance, small strings only (config keys). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The known key an unknown key was probably meant to be, if any. */
export function nearMissOf(key: string, known: readonly string[]): string | undefined {
  if (known.includes(key)) return undefined;
  const lower = key.toLowerCase();
  for (const candidate of known) {
    const allowed = candidate.length >= 6 ? 2 : 1;
    if (editDistance(lower, candidate.toLowerCase()) <= allowed) return candidate;
  }
  return undefined;
}

/** A loose object whose unknown keys are checked for near-misses of the declared ones. */
export function looseObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.looseObject(shape).superRefine(
    (value, ctx) => {
      for (const key of Object.keys(value)) {
        const meant = nearMissOf(key, known);
        if (meant !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `expected "${meant}" (a key Concord reads), got unknown key "${key}"`,
          });
        }
      }
    },
    // Run even when a field already failed, so one start lists every problem.
    { when: (payload) => isPlainObject(payload.value) },
  );
}

/** An integer, also as the string a `&{property}` substitution produces (`"&{db.pool|10}"` → `"10"`). */
export function intLike(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: `expected an integer from ${min} to ${max}` })
      .int({ error: `expected an integer from ${min} to ${max}` })
      .min(min, { error: `expected an integer from ${min} to ${max}` })
      .max(max, { error: `expected an integer from ${min} to ${max}` }),
  );
}

/** A boolean, also as `"true"`/`"false"` from a substitution (`"enabled": "&{ldap.auth.enabled|true}"`). */
export function booleanLike() {
  return z.preprocess(
    (value) => (value === 'true' ? true : value === 'false' ? false : value),
    z.boolean({ error: 'expected true or false' }),
  );
}

/** A non-empty string with a readable message. */
export function nonEmptyString(what = 'a non-empty string') {
  return z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
}

/** Reports every value of `key` that occurs more than once in an array of objects, at its second occurrence. */
export function uniqueBy(key: string, what: string) {
  return (items: unknown[], ctx: z.core.$RefinementCtx<unknown[]>): void => {
    const firstIndex = new Map<unknown, number>();
    items.forEach((item, index) => {
      if (!isPlainObject(item) || typeof item[key] !== 'string') return;
      const first = firstIndex.get(item[key]);
      if (first === undefined) firstIndex.set(item[key], index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, key],
          message: `expected a unique ${what}, got "${item[key]}" again (first at index ${first})`,
        });
    });
  };
}

export const whenArray = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };
