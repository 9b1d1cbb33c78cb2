import { z } from 'zod';
import { parsePointer } from '../json-pointer/json-pointer';
import { parseQueryFilter } from '../query-filter/query-filter.parser';
import { ACTIONS, isAction, type Action } from './action';
import { SITUATIONS } from './situation';
import type { QueryFilter } from '../query-filter/query-filter.ast';
import { isPlainObject } from '../json-pointer/json-pointer';

/**
 * The shape of `sync.json` (§1.1 of the OpenIDM facts), field by field. Objects are loose: OpenIDM ignores
 * keys it does not know (the docs recommend `"comment"` keys), so does Concord. Messages start with
 * "expected" so that the config loader shows them as written. Cross-mapping rules live in
 * sync-config.checks.ts; turning this into typed mappings in sync-config.compiler.ts.
 */

/** A boolean, also as `"true"`/`"false"` from a `&{property}` substitution. */
const boolLike = () =>
  z.preprocess(
    (value) => (value === 'true' ? true : value === 'false' ? false : value),
    z.boolean({ error: 'expected true or false' }),
  );

/** An integer, also as the string a substitution produces. */
const intLike = (min: number, max: number) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
};

const nonEmpty = (what: string) =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

export const rawScriptSchema = z
  .looseObject(
    {
      type: z.string({ error: 'expected a script type string: "text/javascript"' }),
      source: z.string({ error: 'expected inline script code as a string' }).optional(),
      file: nonEmpty('a script file path relative to the project').optional(),
      globals: z.record(z.string(), z.unknown(), { error: 'expected an object of variables' }).optional(),
    },
    { error: 'expected a script object like {"type": "text/javascript", "source": "..."}' },
  )
  .superRefine((script, ctx) => {
    if (script.type === 'groovy') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message:
          'expected "text/javascript", got "groovy": groovy is not supported; rewrite as text/javascript',
      });
    } else if (script.type !== 'text/javascript') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `expected "text/javascript", got ${JSON.stringify(script.type)}`,
      });
    }
    if (script.source === undefined && script.file === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: 'expected "source" (inline code) or "file" (a path relative to the project), got neither',
      });
    } else if (script.source !== undefined && script.file !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['file'],
        message: 'expected either "source" or "file", got both',
      });
    }
  });

export type RawScript = z.output<typeof rawScriptSchema>;

/** Validates a script object inside a transform, re-reporting its issues at their own paths. */
function script(value: unknown, ctx: z.core.$RefinementCtx, prefix: PropertyKey[] = []): RawScript {
  const parsed = rawScriptSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', path: [...prefix, ...issue.path], message: issue.message });
  }
  return z.NEVER;
}

/** An optional script; `null` counts as absent, as in OpenIDM. */
const optionalScript = z
  .unknown()
  .transform((value, ctx) => (value === null ? undefined : script(value, ctx)))
  .optional();

export type RawCondition =
  | { readonly kind: 'filter'; readonly text: string; readonly filter: QueryFilter }
  | { readonly kind: 'script'; readonly script: RawScript };

/** A `_queryFilter` string (parsed now, so a typo stops the start) or a script object. */
export const conditionSchema = z.unknown().transform((value, ctx): RawCondition => {
  if (typeof value === 'string') {
    try {
      return { kind: 'filter', text: value, filter: parseQueryFilter(value) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.addIssue({
        code: 'custom',
        message: `expected a query filter, got ${JSON.stringify(value)}: ${reason}`,
      });
      return z.NEVER;
    }
  }
  if (!isPlainObject(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected a query filter string or a script object' });
    return z.NEVER;
  }
  return { kind: 'script', script: script(value, ctx) };
});

const pointerText = (what: string, allowRoot: boolean) =>
  z.string({ error: `expected ${what} as a JSON pointer string` }).superRefine((text, ctx) => {
    try {
      if (parsePointer(text).length === 0 && !allowRoot) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${what} other than the whole object, got ${JSON.stringify(text)}`,
        });
      }
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `expected ${what}, got ${JSON.stringify(text)}: ${(error as Error).message}`,
      });
    }
  });

export const propertySchema = z.looseObject(
  {
    target: pointerText('a target property', false),
    source: pointerText('a source property ("" for the whole source object)', true).optional(),
    transform: optionalScript,
    condition: conditionSchema.optional(),
    default: z.unknown().optional(),
  },
  { error: 'expected a property mapping object like {"source": "mail", "target": "mail"}' },
);

const situationName = z.enum(SITUATIONS, {
  error: `expected a situation name: one of ${SITUATIONS.join(', ')}`,
});

/** An action name from the closed set, or a script that returns one. */
const actionSchema = z.unknown().transform((value, ctx): Action | RawScript => {
  if (isAction(value)) return value;
  if (isPlainObject(value)) return script(value, ctx);
  ctx.addIssue({
    code: 'custom',
    message: `expected an action name (one of ${ACTIONS.join(', ')}) or a script object, got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

export const policySchema = z.looseObject(
  {
    situation: situationName,
    action: actionSchema,
    condition: conditionSchema.optional(),
    postAction: optionalScript,
  },
  { error: 'expected a policy object like {"situation": "ABSENT", "action": "CREATE"}' },
);

/** `sourceQuery`/`targetQuery`: CREST query parameters plus an optional `resourceName`. */
const reconQuerySchema = z
  .record(z.string(), z.unknown(), { error: 'expected an object of query parameters' })
  .superRefine((query, ctx) => {
    const filter = query['_queryFilter'] ?? query['queryFilter'];
    if (filter === undefined) return;
    const key = '_queryFilter' in query ? '_queryFilter' : 'queryFilter';
    if (typeof filter !== 'string') {
      ctx.addIssue({ code: 'custom', path: [key], message: 'expected a query filter string' });
      return;
    }
    try {
      parseQueryFilter(filter);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `expected a query filter: ${(error as Error).message}`,
      });
    }
  });

/** `correlationQuery`: one script object, or an array of them each naming the link qualifier it serves. */
const correlationQuerySchema = z.unknown().transform((value, ctx): RawScript[] => {
  const entries = Array.isArray(value) ? (value as unknown[]) : [value];
  return entries.map((entry, index) => {
    const prefix = Array.isArray(value) ? [index] : [];
    const qualifier = isPlainObject(entry) ? entry['linkQualifier'] : undefined;
    if (qualifier !== undefined && (typeof qualifier !== 'string' || qualifier === '')) {
      const message = 'expected a link qualifier name string';
      ctx.addIssue({ code: 'custom', path: [...prefix, 'linkQualifier'], message });
    }
    return script(entry, ctx, prefix);
  });
});

const deleteThresholdSchema = z.looseObject(
  {
    count: intLike(0, Number.MAX_SAFE_INTEGER).optional(),
    percent: z
      .number({ error: 'expected a percentage from 0 to 100' })
      .min(0, { error: 'expected a percentage from 0 to 100' })
      .max(100, { error: 'expected a percentage from 0 to 100' })
      .optional(),
  },
  { error: 'expected an object like {"count": 500, "percent": 10}' },
);

export const rawMappingSchema = z.looseObject(
  {
    name: nonEmpty('a mapping name'),
    source: nonEmpty('a source object set such as "system/ldap/account"'),
    target: nonEmpty('a target object set such as "managed/user"'),
    links: nonEmpty('the name of the mapping whose links this one shares').optional(),
    enableSync: boolLike().optional(),
    enableLinking: boolLike().optional(),
    validSource: optionalScript,
    validTarget: optionalScript,
    sourceCondition: conditionSchema.optional(),
    correlationQuery: correlationQuerySchema.optional(),
    correlationScript: optionalScript,
    linkQualifiers: z
      .unknown()
      .transform((value, ctx): readonly string[] | RawScript => {
        if (!Array.isArray(value)) return script(value, ctx);
        if (value.length === 0 || !value.every((name) => typeof name === 'string' && name !== '')) {
          ctx.addIssue({
            code: 'custom',
            message: 'expected a non-empty array of link qualifier names, or a script',
          });
          return z.NEVER;
        }
        return value as string[];
      })
      .optional(),
    properties: z.array(propertySchema, { error: 'expected an array of property mappings' }).optional(),
    policies: z.array(policySchema, { error: 'expected an array of policies' }).optional(),
    onCreate: optionalScript,
    onUpdate: optionalScript,
    onDelete: optionalScript,
    onLink: optionalScript,
    onUnlink: optionalScript,
    result: optionalScript,
    onRecon: optionalScript,
    defaultMapping: optionalScript,
    postMapping: optionalScript,
    sourceQuery: reconQuerySchema.optional(),
    targetQuery: reconQuerySchema.optional(),
    sourceQueryFullEntry: boolLike().optional(),
    targetQueryFullEntry: boolLike().optional(),
    runTargetPhase: boolLike().optional(),
    allowEmptySourceSet: boolLike().optional(),
    reconSourceQueryPaging: boolLike().optional(),
    reconSourceQueryPageSize: intLike(0, 1_000_000).optional(),
    prefetchLinks: boolLike().optional(),
    taskThreads: intLike(0, 1000).optional(),
    feedSize: intLike(1, 1_000_000).optional(),
    correlateEmptyTargetSet: boolLike().optional(),
    sourceIdsCaseSensitive: boolLike().optional(),
    targetIdsCaseSensitive: boolLike().optional(),
    deleteThreshold: deleteThresholdSchema.optional(),
  },
  { error: 'expected a mapping object' },
);

export type RawMapping = z.output<typeof rawMappingSchema>;

export const rawSyncSchema = z.looseObject(
  { mappings: z.array(rawMappingSchema, { error: 'expected an array of mappings' }).optional() },
  { error: 'expected an object like {"mappings": [...]}' },
);

export type RawSyncConfig = z.output<typeof rawSyncSchema>;
