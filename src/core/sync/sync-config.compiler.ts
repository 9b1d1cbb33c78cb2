import { z } from 'zod';
import type { ConfigFileEntry } from '../../config/config-file.registry';
import { DomainError } from '../errors/domain-error';
import { formatPointer, parsePointer } from '../json-pointer/json-pointer';
import type { Condition, JsonObject, ScriptSpec } from './script';
import { checkSyncDocument } from './sync-config.checks';
import { rawSyncSchema, type RawCondition, type RawMapping, type RawScript } from './sync-config.schema';
import type { Correlation, LinkSpec, Mapping, ReconQuery, SyncConfig } from './sync-config.types';

/** Concord's default delete threshold: Entra Connect's export threshold, which directory admins know. */
export const DEFAULT_DELETE_THRESHOLD = 500;

/**
 * The schema the config loader registers for sync.json: validates every key (sync-config.schema.ts), the
 * cross-mapping rules (sync-config.checks.ts), and outputs typed `SyncConfig`. Every problem is an issue
 * with the JSON path and an "expected ..." message.
 */
export function syncConfigSchema(fileName = 'sync.json') {
  return z.unknown().transform((input, ctx): SyncConfig => {
    const parsed = rawSyncSchema.safeParse(input);
    checkSyncDocument(input, ctx);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    if (!parsed.success || ctx.issues.length > 0) return z.NEVER;
    const rawMappings = (input as { mappings?: unknown[] }).mappings ?? [];
    const mappings = parsed.data.mappings ?? [];
    return { mappings: mappings.map((m, i) => compileMapping(m, i, mappings, rawMappings[i], fileName)) };
  });
}

/**
 * Registration of sync.json for the config loader (src/config/config-file.registry.ts): append to
 * CONFIG_FILES or pass to `loadProject`; read with `configFile(project, syncConfigFile)`. Declared with a
 * type-only import of `ConfigFileEntry` (what `defineConfigFile` returns) so the core does not load src/config.
 */
export const syncConfigFile = {
  match: (fileName: string) => fileName === 'sync.json',
  schema: syncConfigSchema('sync.json'),
  key: 'sync',
} satisfies ConfigFileEntry<ReturnType<typeof syncConfigSchema>>;

/**
 * Validates and compiles a sync.json document. Throws DomainError CONFIG_INVALID listing every problem as
 * `<file>: <json path>: expected ...`, with `detail.problems = [{file, path, message}]`.
 */
export function compileSyncConfig(raw: unknown, fileName: string): readonly Mapping[] {
  const result = syncConfigSchema(fileName).safeParse(raw);
  if (result.success) return result.data.mappings;
  const problems = result.error.issues.map((issue) => ({
    file: fileName,
    path: formatPointer(issue.path.map(String)),
    message: issue.message,
  }));
  const lines = problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new DomainError('CONFIG_INVALID', [`Invalid ${fileName} (${count}):`, ...lines].join('\n'), {
    problems,
  });
}

function compileMapping(
  m: RawMapping,
  index: number,
  all: readonly RawMapping[],
  raw: unknown,
  fileName: string,
): Mapping {
  const base = `/mappings/${index}`;
  const where = (...path: (string | number)[]) => `${fileName} ${base}${path.map((p) => `/${p}`).join('')}`;
  const spec = (script: RawScript | undefined, ...path: (string | number)[]) =>
    script === undefined ? undefined : toScriptSpec(script, where(...path));
  const paging = m.reconSourceQueryPaging ?? false;
  return {
    name: m.name,
    source: m.source,
    target: m.target,
    link: linkSpec(m, all),
    enableSync: m.enableSync ?? true,
    enableLinking: m.enableLinking ?? true,
    validSource: spec(m.validSource, 'validSource'),
    validTarget: spec(m.validTarget, 'validTarget'),
    sourceCondition: toCondition(m.sourceCondition, where('sourceCondition')),
    correlation: correlation(m, raw, where),
    linkQualifiers: Array.isArray(m.linkQualifiers)
      ? { kind: 'static', names: [...new Set(m.linkQualifiers as readonly string[])] }
      : m.linkQualifiers === undefined
        ? { kind: 'static', names: ['default'] }
        : { kind: 'script', script: toScriptSpec(m.linkQualifiers as RawScript, where('linkQualifiers')) },
    properties: (m.properties ?? []).map((p, i) => ({
      target: parsePointer(p.target),
      targetText: p.target,
      source: p.source === undefined ? undefined : parsePointer(p.source),
      transform: spec(p.transform, 'properties', i, 'transform'),
      condition: toCondition(p.condition, where('properties', i, 'condition')),
      default: p.default,
      where: where('properties', i),
    })),
    policies: (m.policies ?? []).map((p, i) => ({
      situation: p.situation,
      action:
        typeof p.action === 'string' ? p.action : toScriptSpec(p.action, where('policies', i, 'action')),
      condition: toCondition(p.condition, where('policies', i, 'condition')),
      postAction: spec(p.postAction, 'policies', i, 'postAction'),
      where: where('policies', i),
    })),
    hooks: {
      onCreate: spec(m.onCreate, 'onCreate'),
      onUpdate: spec(m.onUpdate, 'onUpdate'),
      onDelete: spec(m.onDelete, 'onDelete'),
      onLink: spec(m.onLink, 'onLink'),
      onUnlink: spec(m.onUnlink, 'onUnlink'),
      result: spec(m.result, 'result'),
      onRecon: spec(m.onRecon, 'onRecon'),
      defaultMapping: spec(m.defaultMapping, 'defaultMapping'),
      postMapping: spec(m.postMapping, 'postMapping'),
    },
    sourceQuery: reconQuery(m.sourceQuery, m.source),
    targetQuery: reconQuery(m.targetQuery, m.target),
    sourceQueryFullEntry: m.sourceQueryFullEntry,
    targetQueryFullEntry: m.targetQueryFullEntry,
    runTargetPhase: m.runTargetPhase,
    allowEmptySourceSet: m.allowEmptySourceSet ?? false,
    reconSourceQueryPaging: paging,
    reconSourceQueryPageSize: m.reconSourceQueryPageSize ?? (paging ? 1000 : 0),
    prefetchLinks: m.prefetchLinks ?? true,
    taskThreads: m.taskThreads ?? 10,
    feedSize: m.feedSize ?? 1000,
    correlateEmptyTargetSet: m.correlateEmptyTargetSet ?? false,
    sourceIdsCaseSensitive: m.sourceIdsCaseSensitive ?? true,
    targetIdsCaseSensitive: m.targetIdsCaseSensitive ?? true,
    deleteThreshold: {
      count: m.deleteThreshold?.count ?? DEFAULT_DELETE_THRESHOLD,
      ...(m.deleteThreshold?.percent === undefined ? {} : { percent: m.deleteThreshold.percent }),
    },
    where: `${fileName} ${base}`,
    raw: JSON.parse(JSON.stringify(raw ?? {})) as JsonObject,
  };
}

export function toScriptSpec(script: RawScript, where: string, omit: readonly string[] = []): ScriptSpec {
  const { type: _type, source, file, globals, ...rest } = script;
  const extra: JsonObject = {};
  for (const [key, value] of Object.entries(rest)) if (!omit.includes(key)) extra[key] = value;
  return {
    type: 'text/javascript',
    ...(source === undefined ? {} : { source }),
    ...(file === undefined ? {} : { file }),
    globals: globals ?? {},
    extra,
    where,
  };
}

function toCondition(condition: RawCondition | undefined, where: string): Condition | undefined {
  if (condition === undefined) return undefined;
  if (condition.kind === 'filter') return condition;
  return { kind: 'script', script: toScriptSpec(condition.script, where) };
}

function correlation(
  m: RawMapping,
  raw: unknown,
  where: (...path: (string | number)[]) => string,
): Correlation | undefined {
  if (m.correlationScript !== undefined) {
    return { kind: 'script', script: toScriptSpec(m.correlationScript, where('correlationScript')) };
  }
  if (m.correlationQuery === undefined) return undefined;
  const single = !Array.isArray((raw as JsonObject | undefined)?.['correlationQuery']);
  const byQualifier = new Map<string, ScriptSpec>();
  m.correlationQuery.forEach((query, i) => {
    const qualifier = typeof query['linkQualifier'] === 'string' ? query['linkQualifier'] : 'default';
    const path = single ? where('correlationQuery') : where('correlationQuery', i);
    byQualifier.set(qualifier, toScriptSpec(query, path, ['linkQualifier']));
  });
  return { kind: 'query', byQualifier };
}

/** Resolves `links` (already checked to name a mapping with the same or swapped source and target). */
function linkSpec(m: RawMapping, all: readonly RawMapping[]): LinkSpec {
  const owner = (m.links === undefined ? undefined : all.find((other) => other.name === m.links)) ?? m;
  const reversed = owner !== m && !(owner.source === m.source && owner.target === m.target);
  const firstSensitive = owner.sourceIdsCaseSensitive ?? true;
  const secondSensitive = owner.targetIdsCaseSensitive ?? true;
  return {
    type: owner.name,
    reversed,
    sourceIdsCaseSensitive: reversed ? secondSensitive : firstSensitive,
    targetIdsCaseSensitive: reversed ? firstSensitive : secondSensitive,
  };
}

const QUERY_KEYS = ['queryFilter', 'queryId', 'queryExpression', 'fields'];

/** Accepts keys with or without the leading `_`, as OpenIDM does; defaults to all ids of the object set. */
function reconQuery(query: Record<string, unknown> | undefined, defaultResource: string): ReconQuery {
  const params: Record<string, unknown> = {};
  let resourceName = defaultResource;
  for (const [key, value] of Object.entries(query ?? {})) {
    if (key === 'resourceName' && typeof value === 'string') resourceName = value;
    else params[QUERY_KEYS.includes(key) ? `_${key}` : key] = value;
  }
  const hasQuery = ['_queryFilter', '_queryId', '_queryExpression'].some((key) => key in params);
  return { resourceName, params: hasQuery ? params : { _queryId: 'query-all-ids', ...params } };
}
