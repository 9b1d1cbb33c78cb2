import { badRequest } from '../errors/domain-error';
import { isPlainObject } from '../json-pointer/json-pointer';
import type { Mapping, ReconQuery } from './sync-config.types';

const QUERY_KEYS = ['queryFilter', 'queryId', 'queryExpression', 'fields'];
const BOOLEAN_KEYS = [
  'runTargetPhase',
  'allowEmptySourceSet',
  'sourceQueryFullEntry',
  'targetQueryFullEntry',
] as const;

/**
 * A recon query as sync.json or a request body gives it (`queryId` or `_queryId`, optional `resourceName`),
 * normalised to `_`-prefixed CREST keys; no query at all means every id of the set.
 */
export function toReconQuery(raw: Readonly<Record<string, unknown>>, defaultResource: string): ReconQuery {
  const params: Record<string, unknown> = {};
  let resourceName = defaultResource;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'resourceName' && typeof value === 'string') resourceName = value;
    else params[QUERY_KEYS.includes(key) ? `_${key}` : key] = value;
  }
  const hasQuery = ['_queryFilter', '_queryId', '_queryExpression'].some((key) => key in params);
  return { resourceName, params: hasQuery ? params : { _queryId: 'query-all-ids', ...params } };
}

/** A recon query as OpenIDM shows it in the summary's `parameters`: `{resourceName, queryId, ...}`. */
export function showReconQuery(query: ReconQuery): Record<string, unknown> {
  const shown: Record<string, unknown> = { resourceName: query.resourceName };
  for (const [key, value] of Object.entries(query.params)) {
    shown[QUERY_KEYS.includes(key.slice(1)) && key.startsWith('_') ? key.slice(1) : key] = value;
  }
  return shown;
}

/**
 * The body of `POST /openidm/recon?_action=recon` may override `sourceQuery`, `targetQuery`,
 * `runTargetPhase`, `allowEmptySourceSet`, `sourceQueryFullEntry` and `targetQueryFullEntry`; body values
 * win over sync.json (OpenIDM's `ReconTypeBase.calcEffectiveConfig`). Other keys are ignored, as OpenIDM does.
 */
export function applyReconOverrides(mapping: Mapping, body: unknown): Mapping {
  if (body === undefined || body === null || (isPlainObject(body) && Object.keys(body).length === 0)) {
    return mapping;
  }
  if (!isPlainObject(body)) throw badRequest('The recon request body must be a JSON object');
  let effective: Mapping = mapping;
  for (const side of ['sourceQuery', 'targetQuery'] as const) {
    const value = body[side];
    if (value === undefined) continue;
    if (!isPlainObject(value)) throw badRequest(`${side} must be a JSON object of query parameters`);
    const resource = side === 'sourceQuery' ? mapping.source : mapping.target;
    effective = { ...effective, [side]: toReconQuery(value, resource) };
  }
  for (const key of BOOLEAN_KEYS) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw badRequest(`${key} must be true or false`);
    effective = { ...effective, [key]: value };
  }
  return effective;
}
