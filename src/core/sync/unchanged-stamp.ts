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
export function unchangedStampFingerprint(mapping: Mapping, readShapes: readonly string[]): string | null {
  if (unchangedStampRefusal(mapping) !== null) return null;
  // The mapping as written, and how both sets read their objects (ObjectSet.readShape): any edit of either —
  // a property, a policy, a default, the attribute a connector property reads — makes every stamp stale.
  const hash = createHash('sha256').update(JSON.stringify(mapping.raw));
  for (const shape of readShapes) hash.update('\0').update(shape);
  return hash.digest('hex').slice(0, 16);
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
 * The stamp of a source revision and a target version under a mapping's fingerprint: 53 bits of the three
 * (the revision's length between them, so that no two different triples give the same sequence whatever
 * characters revisions hold), as base-36 text of at most 11 characters. A recon holds one per link in memory and
 * the links table one per row, so it is kept short; two different states give the same stamp with a chance of
 * about one in 9·10^15, and revisions are the servers' own, not chosen by a client.
 */
export function unchangedStamp(fingerprint: string, sourceRevision: string, targetVersion: string): string {
  return unchangedStamper(fingerprint)(sourceRevision, targetVersion);
}

/** `unchangedStamp` with the fingerprint fed once, for the many stamps of one recon. */
export function unchangedStamper(
  fingerprint: string,
): (sourceRevision: string, targetVersion: string) => string {
  const { a, b } = seeded(fingerprint);
  return (sourceRevision, targetVersion) => {
    const lanes = { a, b };
    feedRevision(lanes, sourceRevision);
    feed(lanes, targetVersion);
    return base36(stampBits(lanes));
  };
}

/**
 * Whether a stored stamp is the stamp of a source revision and a target version, the version and the stamp
 * given as UTF-16 code units (`version[0…versionLength)`, `stamp[0…stampLength)`): the question a recon asks
 * of every unchanged entry, answered without making the two strings or the stamp's text.
 */
export type UnchangedStampCheck = (
  sourceRevision: string,
  version: Uint16Array,
  versionLength: number,
  stamp: Uint16Array,
  stampLength: number,
) => boolean;

/** The UnchangedStampCheck of stamps made by `unchangedStamper(fingerprint)`. */
export function unchangedStampCheck(fingerprint: string): UnchangedStampCheck {
  const { a, b } = seeded(fingerprint);
  const digits = new Uint16Array(11);
  const lanes = { a, b };
  return (sourceRevision, version, versionLength, stamp, stampLength) => {
    // One lanes object for every check (each starts from the seed): a new one per entry was a recon's garbage.
    lanes.a = a;
    lanes.b = b;
    feedRevision(lanes, sourceRevision);
    for (let i = 0; i < versionLength; i++) feedUnit(lanes, version[i] as number);
    const length = base36Codes(stampBits(lanes), digits);
    if (length !== stampLength) return false;
    // base36Codes writes the last digit first.
    for (let i = 0; i < length; i++) if (digits[length - 1 - i] !== stamp[i]) return false;
    return true;
  };
}

function seeded(fingerprint: string): { a: number; b: number } {
  const lanes = { a: 0x811c9dc5, b: 0x2545f491 };
  feed(lanes, fingerprint);
  return lanes;
}

/** The revision, preceded by its length: no two different triples feed the same sequence. */
function feedRevision(lanes: { a: number; b: number }, sourceRevision: string): void {
  feedUnit(lanes, sourceRevision.length & 0xffff);
  feedUnit(lanes, sourceRevision.length >>> 16);
  feed(lanes, sourceRevision);
}

function stampBits(lanes: { a: number; b: number }): number {
  const high = avalanche(lanes.a ^ Math.imul(lanes.b, 0x27d4eb2f)) & 0x1fffff;
  const low = avalanche(lanes.b ^ Math.imul(lanes.a, 0x165667b1)) >>> 0;
  return high * 0x100000000 + low;
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `value.toString(36)` for an integer below 2^53, about five times quicker: V8's radix conversion of a double
 * took most of a stamp's time. The quotient is exact: value / 36 is below 2^48, where doubles are 1/32 apart,
 * and a remainder of at least 1 is 1/36 away from the next integer, so rounding never reaches it.
 */
export function base36(value: number): string {
  let text = '';
  let rest = value;
  do {
    const quotient = Math.floor(rest / 36);
    text = DIGITS[rest - quotient * 36] + text;
    rest = quotient;
  } while (rest > 0);
  return text;
}

/** The digits of `base36(value)` as code units in `into`, the last digit first; returns how many. */
function base36Codes(value: number, into: Uint16Array): number {
  let length = 0;
  let rest = value;
  do {
    const quotient = Math.floor(rest / 36);
    into[length++] = DIGITS.charCodeAt(rest - quotient * 36);
    rest = quotient;
  } while (rest > 0);
  return length;
}

function feedUnit(lanes: { a: number; b: number }, unit: number): void {
  lanes.a = Math.imul(lanes.a ^ unit, 0x01000193);
  lanes.b = Math.imul(lanes.b ^ unit, 0x5bd1e995);
}

/**
 * Two 32-bit lanes over the UTF-16 code units (FNV-1a's xor-then-multiply, each lane with its own seed and
 * odd multiplier), each finished with MurmurHash3's avalanche and joined into 53 bits (what a double holds
 * exactly). Cheap enough for every entry of a recon, fed part by part without joining the parts: a
 * cryptographic digest per entry cost more than the rest of the shortcut.
 */
function feed(lanes: { a: number; b: number }, text: string): void {
  let { a, b } = lanes;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
  }
  lanes.a = a;
  lanes.b = b;
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
