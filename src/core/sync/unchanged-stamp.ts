import { createHash } from 'node:crypto';
import { scriptlessDecision } from './policy';
import { sourceFieldsRead } from './source-fields';
import type { Mapping } from './sync-config.types';

/**
 * Recon's "nothing changed" shortcut. When a recon finds a linked source and target in agreement (CONFIRMED,
 * and the mapping changes nothing in the target) or has just created the target from the source, it notes on
 * the link a stamp: the mapping's fingerprint, the source's revision and the target's version. A later recon
 * that finds the same stamp knows the entry's outcome without reading the target or mapping the source:
 * CONFIRMED, UPDATE, nothing written. Both objects are as they were, and the mapping's answer depends on
 * nothing else.
 *
 * That last clause is what the fingerprint's conditions secure: only a mapping in which nothing but plain
 * property copies decide the outcome takes the shortcut — no script anywhere on the CONFIRMED path
 * (transform, condition, validSource, validTarget, sourceCondition, hooks, policy conditions or actions,
 * link-qualifier scripts), a plain UPDATE for CONFIRMED, and links of its own. A script may read other
 * objects or the clock, so its answer can change while both objects stay as they are; such a mapping is
 * reconciled in full every time, as OpenIDM does.
 */
export function unchangedStampFingerprint(mapping: Mapping): string | null {
  if (unchangedStampRefusal(mapping) !== null) return null;
  // The mapping as written: any edit of it (a property, a policy, a default) makes every stamp stale.
  return createHash('sha256').update(JSON.stringify(mapping.raw)).digest('hex').slice(0, 16);
}

/** Why a mapping cannot take the shortcut, or null when it can (for the docs and the tests). */
export function unchangedStampRefusal(mapping: Mapping): string | null {
  // sourceFieldsRead is null as soon as a script or filter may look at the whole source (see source-fields.ts);
  // the shortcut also needs the source query to name its fields, to ask for the revision among them.
  if (sourceFieldsRead(mapping) === null) return 'a script or condition looks at the source';
  if (mapping.properties.some((property) => property.transform !== undefined))
    return 'a property has a transform';
  if (mapping.validTarget !== undefined) return 'validTarget is a script';
  if (!mapping.enableLinking) return 'linking is disabled';
  if (mapping.link.reversed) return "the links are another mapping's";
  if (mapping.linkQualifiers.kind !== 'static') return 'the link qualifiers come from a script';
  if (scriptlessDecision('CONFIRMED', mapping.policies)?.action !== 'UPDATE')
    return 'CONFIRMED is not a plain UPDATE';
  return null;
}

/**
 * The stamp of a source revision and a target version under a mapping's fingerprint. Lengths go first, so
 * that no two different triples give the same text whatever characters revisions hold.
 */
export function unchangedStamp(fingerprint: string, sourceRevision: string, targetVersion: string): string {
  return `${fingerprint}:${sourceRevision.length}:${sourceRevision}:${targetVersion}`;
}
