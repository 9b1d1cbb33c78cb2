import { getAt } from '../json-pointer/json-pointer';
import { jsonEqual } from '../json-equal';
import type { Action } from './action';
import { andThen, type MaybePromise } from '../maybe-promise';
import { determineAction, scriptlessDecision, type ActionDecision } from './policy';
import { linkQualifiersNowOrLater } from './link-qualifier';
import { mapForUpdateNowOrLater } from './property-mapping';
import type { EvaluateScript, JsonObject, ScriptSpec } from './script';
import type { Situation } from './situation';
import type { Mapping, PropertyMapping } from './sync-config.types';
import { targetChanges } from './target-plan';
import { isSourceValidNowOrLater } from './validity';

/**
 * An object the sync engine has just written from a source entry it is linked to (recon's CREATE of a managed
 * user from an LDAP entry, with its new link; recon's UPDATE of one through the link it has): the facts the
 * implicit sync of that write would gather, all known already, without reading the target system.
 */
export interface EngineWrite {
  /** The written object as a read returns it (`_id`, `_rev`, private fields hidden). */
  readonly object: JsonObject;
  readonly objectId: string;
  /** The mapping that wrote it. */
  readonly writer: Mapping;
  readonly linkQualifier: string;
  /** The writer's source entry and its id: the reverse mapping's target, as it was when written. */
  readonly sourceId: string;
  readonly source: JsonObject;
}

/** What the implicit sync of the write does when it changes nothing: its audit/sync line. */
export interface QuietEcho {
  readonly situation: Situation;
  readonly action: Action;
  readonly targetId: string;
  readonly message: string | null;
}

/**
 * OpenIDM's pending LINK (§5.4) carried one step further. When `mapping` (which reads the written object's set)
 * is the writer's reverse through the shared link, its implicit sync of the write finds the link the writer
 * just made, so the situation is CONFIRMED (UNQUALIFIED if the object is not a valid source), and the target is
 * the writer's own source entry, which the writer has just read. If the action decided for that situation
 * would write nothing — an UPDATE whose mapped target deep-equals the entry, a LINK to the link that exists,
 * IGNORE and the like — the implicit sync is a no-op that needs no read of the target system. Resolves to
 * that no-op's outcome; to null when the implicit sync would write, when a hook might do something of its
 * own (onUpdate, defaultMapping, postMapping, a postAction), or when the mapping is not the reverse.
 * Scripts (conditions, transforms, validSource) run through `evaluate`, as the engine would run them; the
 * answer is a promise only when one of them has to wait. A script's failure is thrown or rejected.
 */
export function quietEcho(
  mapping: Mapping,
  write: EngineWrite,
  evaluate: EvaluateScript,
): MaybePromise<QuietEcho | null> {
  const { writer, object, linkQualifier } = write;
  const reverse =
    mapping.source === writer.target &&
    mapping.target === writer.source &&
    mapping.link.type === writer.link.type &&
    mapping.link.reversed !== writer.link.reversed &&
    mapping.enableLinking &&
    writer.enableLinking;
  if (!reverse) return null;
  // Every other qualifier of the reverse mapping has no link yet: its implicit sync might create a target.
  const qualifiers = linkQualifiersNowOrLater(
    mapping,
    { object, oldValue: null, returnAll: false },
    evaluate,
  );
  // Without a promise while every script answers at once (EvaluateScript.now): recon settles each entry it
  // writes this way.
  return andThen(qualifiers, (names) => {
    if (names.length !== 1 || names[0] !== linkQualifier) return null;
    return andThen(isSourceValidNowOrLater(mapping, object, linkQualifier, evaluate), (valid) => {
      const situation: Situation = valid ? 'CONFIRMED' : 'UNQUALIFIED';
      const decision =
        scriptlessDecision(situation, mapping.policies) ??
        determineAction(
          situation,
          mapping.policies,
          {
            source: object,
            target: write.source,
            linkQualifier,
            sourceAction: true,
            mapping: mapping.name,
            reconId: null,
            sourceId: write.objectId,
            targetId: write.sourceId,
            ambiguousTargetIds: [],
          },
          evaluate,
        );
      return andThen(decision, (decided) => echoOf(mapping, write, situation, decided, evaluate));
    });
  });
}

/** The rest of quietEcho once the situation's action is decided. */
function echoOf(
  mapping: Mapping,
  write: EngineWrite,
  situation: Situation,
  decision: ActionDecision,
  evaluate: EvaluateScript,
): MaybePromise<QuietEcho | null> {
  if (decision.postAction !== undefined) return null;
  const quiet = (message: string | null = null): QuietEcho => ({
    situation,
    action: decision.action,
    targetId: write.sourceId,
    message,
  });
  switch (decision.action) {
    case 'UPDATE': {
      const { onUpdate, defaultMapping, postMapping } = mapping.hooks;
      if (onUpdate || defaultMapping || postMapping) return null;
      const mapped = mapForUpdateNowOrLater(
        mapping.properties,
        write.source,
        { source: write.object, linkQualifier: write.linkQualifier, oldSource: null },
        skippingMootConditions(mapping, evaluate),
      );
      return andThen(mapped, (target) => (targetChanges(write.source, target) ? null : quiet()));
    }
    case 'LINK': // to the link that exists: the engine neither re-links nor runs a hook
      return quiet();
    case 'EXCEPTION':
      return quiet(`Situation ${situation} marked as EXCEPTION`);
    case 'IGNORE':
    case 'REPORT':
    case 'NOREPORT':
    case 'ASYNC':
      return quiet();
    case 'CREATE':
    case 'DELETE':
    case 'UNLINK':
      return null;
  }
}

/**
 * `evaluate`, except that the condition script of a property without a transform is not run when the value the
 * property would write is already in the target being built: writing it and skipping it leave the same target,
 * so to prove "nothing to write" the condition's answer does not matter. A typical outbound mapping guards its
 * optional attributes so (`"condition": "!!object.description"`), and each sandboxed run costs ~0.1 ms, which a
 * recon pays per entry. (A condition that would throw is not run either: the proof cannot see that failure.)
 */
function skippingMootConditions(mapping: Mapping, evaluate: EvaluateScript): EvaluateScript {
  const plain = new Map<ScriptSpec, PropertyMapping>();
  for (const property of mapping.properties) {
    if (property.condition?.kind === 'script' && property.transform === undefined) {
      plain.set(property.condition.script, property);
    }
  }
  if (plain.size === 0) return evaluate;
  const moot = (script: ScriptSpec, variables: Readonly<JsonObject>): boolean => {
    const property = plain.get(script);
    if (property === undefined) return false;
    let value = property.source === undefined ? null : (getAt(variables['object'], property.source) ?? null);
    if (value === null && property.default !== undefined) value = property.default;
    return jsonEqual(getAt(variables['target'], property.target), value);
  };
  const { now } = evaluate;
  return Object.assign(
    (script: ScriptSpec, variables: Readonly<JsonObject>) =>
      moot(script, variables) ? Promise.resolve(true) : evaluate(script, variables),
    {
      now: (script: ScriptSpec, variables: Readonly<JsonObject>) =>
        moot(script, variables) ? { value: true } : now?.(script, variables),
    },
  );
}
