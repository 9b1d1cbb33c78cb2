import type { Action } from './action';
import type { Condition, JsonObject, ScriptSpec } from './script';
import type { Situation } from './situation';

/** sync.json after validation: the engine never sees the raw JSON. */
export interface SyncConfig {
  readonly mappings: readonly Mapping[];
}

/** One property of a mapping's `properties` (§1.3), applied in array order. */
export interface PropertyMapping {
  /** JSON pointer into the target, never the root. */
  readonly target: readonly string[];
  /** The text of `target`, for diffs and messages. */
  readonly targetText: string;
  /** JSON pointer into the source; `[]` for `"source": ""` (the whole object); undefined when absent. */
  readonly source?: readonly string[];
  readonly transform?: ScriptSpec;
  readonly condition?: Condition;
  /** `default`, used when the value is null; undefined when not configured (then null is written). */
  readonly default?: unknown;
  readonly where: string;
}

/** One policy (§1.4). Several may exist per situation; the first whose condition holds wins. */
export interface Policy {
  readonly situation: Situation;
  readonly action: Action | ScriptSpec;
  /** Filter over `{object, linkQualifier}`, or a script with those variables. */
  readonly condition?: Condition;
  readonly postAction?: ScriptSpec;
  readonly where: string;
}

/** A CREST query used to list one side in recon, keys normalised to their `_`-prefixed form. */
export interface ReconQuery {
  readonly resourceName: string;
  /** `_queryFilter`, `_queryId`, `_queryExpression`, `_fields` and any other query parameter. */
  readonly params: Readonly<Record<string, unknown>>;
}

export type LinkQualifiers =
  | { readonly kind: 'static'; readonly names: readonly string[] }
  /** Variables `mapping`, `object`, `oldValue`, `returnAll`; returns an array of names. */
  | { readonly kind: 'script'; readonly script: ScriptSpec };

export type Correlation =
  /** `correlationQuery`: per link qualifier, a script returning CREST query params for the target set. */
  | { readonly kind: 'query'; readonly byQualifier: ReadonlyMap<string, ScriptSpec> }
  /** `correlationScript`: returns the candidate target objects itself. */
  | { readonly kind: 'script'; readonly script: ScriptSpec };

/**
 * The link set a mapping uses (§3), seen from this mapping. `type` is the name of the mapping that defines
 * the links; `reversed` when this mapping's source is the defining mapping's target (its source ids are in
 * `secondId`). Case sensitivity comes from the defining mapping only, already turned to this direction.
 */
export interface LinkSpec {
  readonly type: string;
  readonly reversed: boolean;
  readonly sourceIdsCaseSensitive: boolean;
  readonly targetIdsCaseSensitive: boolean;
}

export interface MappingHooks {
  readonly onCreate?: ScriptSpec;
  readonly onUpdate?: ScriptSpec;
  readonly onDelete?: ScriptSpec;
  readonly onLink?: ScriptSpec;
  readonly onUnlink?: ScriptSpec;
  /** Runs once at the end of a recon. */
  readonly result?: ScriptSpec;
  /** Runs once at the start of a recon. OpenIDM's default `roles/onRecon.groovy` is not shipped. */
  readonly onRecon?: ScriptSpec;
  /** Runs after the property mappings. OpenIDM's default `roles/defaultMapping.js` is not shipped. */
  readonly defaultMapping?: ScriptSpec;
  /** Runs after CREATE/UPDATE/LINK. OpenIDM's default `roles/defaultPostMapping.groovy` is not shipped. */
  readonly postMapping?: ScriptSpec;
}

/** Concord's guard against mass deletion: more DELETE/UNLINK than this stops a recon before the first. */
export interface DeleteThreshold {
  readonly count: number;
  /** Percent (0-100) of the target set; the lower of the two limits applies. */
  readonly percent?: number;
}

export interface Mapping {
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly link: LinkSpec;
  readonly enableSync: boolean;
  readonly enableLinking: boolean;
  readonly validSource?: ScriptSpec;
  readonly validTarget?: ScriptSpec;
  /** Filter over `{source, linkQualifier}` (`/source/accountStatus eq "active"`), or a script. */
  readonly sourceCondition?: Condition;
  readonly correlation?: Correlation;
  readonly linkQualifiers: LinkQualifiers;
  readonly properties: readonly PropertyMapping[];
  readonly policies: readonly Policy[];
  readonly hooks: MappingHooks;
  readonly sourceQuery: ReconQuery;
  readonly targetQuery: ReconQuery;
  /** Undefined = detect from the first entries (more than two keys besides `_id`/`_rev`). */
  readonly sourceQueryFullEntry?: boolean;
  readonly targetQueryFullEntry?: boolean;
  /** Undefined = true for `recon`, false for `reconById`. */
  readonly runTargetPhase?: boolean;
  readonly allowEmptySourceSet: boolean;
  readonly reconSourceQueryPaging: boolean;
  readonly reconSourceQueryPageSize: number;
  readonly prefetchLinks: boolean;
  readonly taskThreads: number;
  readonly feedSize: number;
  readonly correlateEmptyTargetSet: boolean;
  /** This mapping's own flags as configured; `link` holds the ones that count. */
  readonly sourceIdsCaseSensitive: boolean;
  readonly targetIdsCaseSensitive: boolean;
  readonly deleteThreshold: DeleteThreshold;
  /** `sync.json /mappings/<index>`. */
  readonly where: string;
  /** The mapping object as written, for scripts that receive `mappingConfig`. */
  readonly raw: Readonly<JsonObject>;
}
