/**
 * Distinguished names (RFC 4514): parsing, escaping and a normal form for comparing DNs client-side.
 * A DN from user input is parsed and re-serialized before it reaches the server, so a value can never
 * introduce an extra RDN (`uid=a\,ou=Admins` stays one RDN whose value is `a,ou=Admins`).
 */
import { badRequest } from '../../core/errors/domain-error';

export interface Ava {
  readonly type: string;
  readonly value: string;
}
/** One RDN: usually one AVA, several for multi-valued RDNs (`cn=a+sn=b`). */
export type Rdn = readonly Ava[];

const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)$/;

/** Escapes an attribute value for use in a DN (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = ch.charCodeAt(0);
    if (code === 0) out += '\\00';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    // A backslash becomes \5c rather than \\ so that no value can end in a backslash before a separator.
    else if (ch === '\\') out += '\\5c';
    else if (',+"<>;='.includes(ch)) out += `\\${ch}`;
    else if ((ch === '#' || ch === ' ') && i === 0) out += `\\${ch}`;
    else if (ch === ' ' && i === value.length - 1) out += '\\ ';
    else out += ch;
  }
  return out;
}

/**
 * DNs seen lately, parsed and normalised: an implicit-sync PUT parses the same few DNs several times (the
 * entry's, the base's, for the modify's RDN check and the group lookup), each from scratch before.
 */
const PARSED = new Map<string, readonly Rdn[]>();
const NORMALISED = new Map<string, string>();
const CANONICAL = new Map<string, string>();
const REMEMBERED_DNS = 1_000;

function remembered<T>(memo: Map<string, T>, dn: string, make: (dn: string) => T): T {
  const known = memo.get(dn);
  if (known !== undefined) return known;
  const made = make(dn);
  // Forgets the oldest (Map keeps insertion order): the memo stays bounded whatever the directory holds.
  if (memo.size >= REMEMBERED_DNS) memo.delete(memo.keys().next().value as string);
  memo.set(dn, made);
  return made;
}

/** Parses a DN string; throws BAD_REQUEST naming the problem for anything malformed. The empty DN is []. */
export function parseDn(dn: string): readonly Rdn[] {
  return remembered(PARSED, dn, parseDnText);
}

function parseDnText(dn: string): readonly Rdn[] {
  const rdns: Rdn[] = [];
  let avas: Ava[] = [];
  let i = 0;
  const fail = (why: string) => badRequest(`Invalid DN "${dn}": ${why}`);
  if (dn.trim() === '') return [];
  while (i <= dn.length) {
    // attribute type
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw fail('missing "="');
    const type = dn.slice(i, eq).trim();
    if (!TYPE.test(type)) throw fail(`bad attribute type "${type}"`);
    i = eq + 1;
    while (dn[i] === ' ') i++;
    // attribute value
    const bytes: number[] = [];
    let raw = '';
    let lastSignificant = 0;
    const flush = () => {
      if (bytes.length) {
        raw += Buffer.from(bytes).toString('utf8');
        bytes.length = 0;
      }
    };
    if (dn[i] === '#') throw fail('hex-encoded (#) values are not accepted');
    while (i < dn.length && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') {
      const ch = dn[i] as string;
      if (ch === '\\') {
        const next = dn.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) {
          // Consecutive hex escapes form one UTF-8 sequence: keep the bytes until a plain character comes.
          bytes.push(parseInt(next, 16));
          i += 3;
          lastSignificant = -1;
          continue;
        }
        if (i + 1 >= dn.length || !' "#+,;<=>\\'.includes(dn[i + 1] as string)) throw fail('bad escape');
        flush();
        raw += dn[i + 1];
        i += 2;
        lastSignificant = raw.length;
        continue;
      }
      if ('"<>'.includes(ch) || ch === '\0') throw fail(`unescaped "${ch}"`);
      flush();
      if (lastSignificant === -1) lastSignificant = raw.length;
      raw += ch;
      if (ch !== ' ') lastSignificant = raw.length;
      i++;
    }
    flush();
    const value = lastSignificant === -1 ? raw : raw.slice(0, lastSignificant);
    if (value === '') throw fail(`empty value for "${type}"`);
    avas.push({ type, value });
    if (i >= dn.length || dn[i] !== '+') {
      rdns.push(avas);
      avas = [];
    }
    if (i >= dn.length) break;
    i++;
    if (i >= dn.length) throw fail('trailing separator');
  }
  return rdns;
}

export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => rdn.map((ava) => `${ava.type}=${escapeDnValue(ava.value)}`).join('+')).join(',');
}

/** Parses and re-serializes with every value escaped: the form sent to the server. */
export function canonicalDn(dn: string): string {
  return remembered(CANONICAL, dn, (text) => formatDn(parseDn(text)));
}

/**
 * A comparison key: types and values lower-cased, spaces collapsed, AVAs of an RDN sorted. Right for the
 * caseIgnoreMatch attributes DNs are made of in practice (uid, cn, ou, dc, o); OpenLDAP does the same.
 */
export function normalizeDn(dn: string): string {
  return remembered(NORMALISED, dn, normalizeDnText);
}

function normalizeDnText(dn: string): string {
  try {
    return parseDn(dn)
      .map((rdn) =>
        rdn
          .map(
            (ava) =>
              `${ava.type.toLowerCase()}=${escapeDnValue(ava.value.toLowerCase().replace(/\s+/g, ' '))}`,
          )
          .sort()
          .join('+'),
      )
      .join(',');
  } catch {
    return dn.toLowerCase();
  }
}

export function sameDn(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

/** True when `dn` equals `base` or lies below it. */
export function isUnder(dn: string, base: string): boolean {
  const d = normalizeDn(dn);
  const b = normalizeDn(base);
  return b === '' || d === b || d.endsWith(`,${b}`);
}

/** The first RDN of a DN that names an entry (at least one RDN). */
export function firstRdn(dn: string): Rdn {
  const rdn = parseDn(dn)[0];
  if (!rdn) throw badRequest('The empty DN cannot name an entry');
  return rdn;
}

/** `[rdn, parentDn]` of a DN with at least one RDN. */
export function splitDn(dn: string): { rdn: Rdn; parent: string } {
  return { rdn: firstRdn(dn), parent: formatDn(parseDn(dn).slice(1)) };
}
