import { ACTIONS } from '../sync/action';
import { getAt, parsePointer } from '../json-pointer/json-pointer';

/** CREST's request types, which `eventTopics.activity.filter.actions` names (OpenIDM's `RequestType`). */
export const ACTIVITY_ACTIONS = ['CREATE', 'READ', 'UPDATE', 'DELETE', 'PATCH', 'ACTION', 'QUERY'] as const;

/** The trigger of everything a reconciliation writes and audits, as OpenIDM names it. */
export const RECON_TRIGGER = 'recon';

/** The `filter` of one topic in audit.json, as OpenIDM reads it. */
export interface TopicFilterSettings {
  readonly actions?: readonly string[];
  /** Trigger name (`recon`) → the actions logged for events written under that trigger. */
  readonly triggers?: Readonly<Record<string, readonly string[]>>;
  /** Events are logged only when the value at `name` (a JSON pointer) is one of `values`. */
  readonly fields?: readonly { readonly name: string; readonly values: readonly string[] }[];
}

/**
 * An event handler of audit.json: the topics it logs (`config.topics`; OpenIDM 4.0: `events`), unless disabled
 * (a boolean, or its text after substitution).
 */
export interface AuditHandlerSettings {
  readonly events?: readonly string[];
  readonly config?: { readonly topics?: readonly string[]; readonly enabled?: boolean | string };
}

/** The topics of audit.json that hold filters. */
interface TopicsSettings {
  readonly activity?: { readonly filter?: TopicFilterSettings };
  readonly recon?: { readonly filter?: TopicFilterSettings };
  readonly sync?: { readonly filter?: TopicFilterSettings };
}

/** What AuditEventFilter reads of audit.json (AuditConfig, or the same read-only). */
export interface AuditFilterSettings {
  readonly eventHandlers?: readonly AuditHandlerSettings[];
  readonly eventTopics?: TopicsSettings;
  /** OpenIDM 4.0's places for the same: `extendedEventTypes` (activity) and `customEventTypes` (recon, sync). */
  readonly extendedEventTypes?: TopicsSettings;
  readonly customEventTypes?: TopicsSettings;
}

/** The topics Concord writes. */
const TOPICS = ['activity', 'recon', 'sync'] as const;

/**
 * Which event field an action filter looks at, and the names it knows, per topic. OpenIDM has action filters for
 * these two topics only; elsewhere `actions` and `triggers` are ignored, as there.
 */
const ACTION_FIELDS: Readonly<Record<string, { field: string; known: readonly string[] }>> = {
  activity: { field: 'operation', known: ACTIVITY_ACTIONS },
  recon: { field: 'action', known: ACTIONS },
};

/**
 * Whether a rule leaves out an event written under a trigger (`recon` for everything a reconciliation does);
 * an action rule can also tell from the action alone, before the event is built.
 */
interface Rule {
  leavesOut(event: Readonly<Record<string, unknown>>, trigger: string | undefined): boolean;
  leavesOutAction?(action: string, trigger: string | undefined): boolean;
}

/**
 * Which audit events are written, from audit.json: none of a topic no enabled event handler logs
 * (`recordedTopics`), and of the others those OpenIDM's audit filters (`eventTopics.<topic>.filter`) keep. An
 * event is left out when any rule of its topic says so (`AuditLogFilters`' or-composite).
 * - `actions`: events whose action (recon: `action`; activity: `operation`) is not listed are left out. Names
 *   compare without case, as OpenIDM reads them into its enums; an event without an action, or with one outside
 *   the enum (live sync's `sync-update`), is always kept.
 * - `triggers`: the same, applied only to events written under that trigger.
 * - `fields`: events whose value at the pointer is not one of the listed strings are left out, an event without
 *   the field (or with an object there) included.
 */
export class AuditEventFilter {
  private constructor(
    private readonly rules: ReadonlyMap<string, readonly Rule[]>,
    /** The topics some enabled event handler logs; `all` without `eventHandlers`. */
    private readonly recorded: ReadonlySet<string> | 'all',
  ) {}

  static readonly NONE = new AuditEventFilter(new Map(), 'all');

  static of(settings: AuditFilterSettings | undefined): AuditEventFilter {
    const rules = new Map<string, Rule[]>();
    for (const topic of TOPICS) {
      const filter =
        settings?.eventTopics?.[topic]?.filter ??
        settings?.extendedEventTypes?.[topic]?.filter ??
        settings?.customEventTypes?.[topic]?.filter;
      const topicRules = topicRulesOf(topic, filter);
      if (topicRules.length > 0) rules.set(topic, topicRules);
    }
    const recorded = recordedTopics(settings?.eventHandlers);
    if (rules.size === 0 && (recorded === 'all' || TOPICS.every((topic) => recorded.has(topic)))) {
      return AuditEventFilter.NONE;
    }
    return new AuditEventFilter(rules, recorded);
  }

  /** Whether any event of `topic` can be left out: callers skip the per-event check when not. */
  filters(topic: string): boolean {
    return this.rules.has(topic) || !this.records(topic);
  }

  keeps(topic: string, event: Readonly<Record<string, unknown>>, trigger?: string): boolean {
    if (!this.records(topic)) return false;
    const rules = this.rules.get(topic);
    if (rules === undefined) return true;
    return !rules.some((rule) => rule.leavesOut(event, trigger));
  }

  /**
   * False when an event of `topic` with this action is left out whatever else it holds, so the caller need not
   * build it; true says only that `keeps` must decide.
   */
  mayKeep(topic: string, action: string | null, trigger?: string): boolean {
    if (!this.records(topic)) return false;
    const rules = this.rules.get(topic);
    if (rules === undefined || action === null) return true;
    return !rules.some((rule) => rule.leavesOutAction?.(action, trigger) === true);
  }

  private records(topic: string): boolean {
    return this.recorded === 'all' || this.recorded.has(topic);
  }
}

/**
 * Concord's store stands in for every event handler of audit.json (files, repository, syslog…): it records a
 * topic when an enabled handler would log it, so a PingIDM 7.5+ configuration, whose handlers leave `recon` out,
 * writes no recon audit here either. Without `eventHandlers`, OpenIDM 4/5's default: every topic; an enabled
 * handler that names no topics at all is taken to log every one, rather than drop audit on a format not known.
 */
function recordedTopics(handlers: readonly AuditHandlerSettings[] | undefined): ReadonlySet<string> | 'all' {
  if (handlers === undefined) return 'all';
  const topics = new Set<string>();
  for (const handler of handlers) {
    const enabled = handler.config?.enabled;
    if (enabled === false || enabled === 'false') continue;
    const listed = handler.config?.topics ?? handler.events;
    if (listed === undefined) return 'all';
    for (const topic of listed) topics.add(topic);
  }
  return topics;
}

function topicRulesOf(topic: string, filter: TopicFilterSettings | undefined): Rule[] {
  if (filter === undefined) return [];
  const rules: Rule[] = [];
  const actionField = ACTION_FIELDS[topic];
  if (actionField !== undefined) {
    if (filter.actions !== undefined) rules.push(actionRule(actionField, filter.actions, undefined));
    for (const [trigger, actions] of Object.entries(filter.triggers ?? {})) {
      rules.push(actionRule(actionField, actions, trigger));
    }
  }
  for (const { name, values } of filter.fields ?? []) rules.push(fieldRule(parsePointer(name), values));
  return rules;
}

function actionRule(
  { field, known }: { field: string; known: readonly string[] },
  actions: readonly string[],
  trigger: string | undefined,
): Rule {
  const logged = new Set(actions.map((action) => action.toUpperCase()));
  const knownSet = new Set(known);
  const leavesOutAction = (action: string, eventTrigger: string | undefined): boolean => {
    if (trigger !== undefined && trigger !== eventTrigger) return false;
    const name = action.toUpperCase();
    return knownSet.has(name) && !logged.has(name);
  };
  return {
    leavesOutAction,
    leavesOut: (event, eventTrigger) => {
      const value = event[field];
      return typeof value === 'string' && leavesOutAction(value, eventTrigger);
    },
  };
}

function fieldRule(pointer: readonly string[], values: readonly string[]): Rule {
  const logged = new Set(values);
  return {
    leavesOut: (event) => {
      const value = getAt(event, pointer);
      const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      return !(scalar && logged.has(String(value)));
    },
  };
}
