/**
 * A quicker reader for the one reply a recon receives by the hundred thousand: SearchResultEntry.
 *
 * ldapts turns every entry into a SearchEntry with an Attribute object per attribute, a Buffer view and a fatal
 * TextDecoder call per value, a regular expression per attribute type, and a set of lower-cased names when the
 * entry becomes a plain object. Measured on 100,000 entries of ids and revisions (the light pass of an unchanged
 * recon), that is ~12 µs of CPU an entry, more than the directory spends serving it. This reader walks the
 * socket's bytes once and builds the plain object ldapts's `toObject` would return straight away (the search
 * request it answers, found by message id, says which attributes are wanted and which stay bytes); ldapts gets
 * an object that is a SearchEntry to its `instanceof` checks and hands that plain object on. Every other
 * message, an entry carrying controls, and any byte sequence it does not expect go to ldapts's own parser, which
 * keeps its errors and semantics.
 *
 * The hook is `client.messageParser.read`, which ldapts calls with each chunk the socket delivers; the lockfile
 * pins the ldapts version it was written against, and `installSearchEntryReader` leaves a client whose parser
 * does not look as expected untouched.
 */
import { MessageParser, SearchEntry, type Client } from 'ldapts';
import { TextDecoder } from 'node:util';
import { Cursor, INCOMPLETE, MALFORMED, lengthEnd, lengthOf } from './ber-cursor';

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const SEARCH_RESULT_ENTRY = 0x64;

/** What ldapts's own decoder does with a value: UTF-8 when valid (a leading BOM dropped), else the bytes. */
const strictUtf8 = new TextDecoder('utf8', { fatal: true });

/** Buffer's native UTF-8 slice, without `toString`'s argument handling (a third of its cost on short values). */
const utf8Slice: (this: Buffer, start: number, end: number) => string =
  (Buffer.prototype as unknown as { utf8Slice?: (this: Buffer, start: number, end: number) => string })
    .utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('utf8', start, end);
  };

type Value = string | Buffer;
type EntryObject = Record<string, Value | Value[]>;

/** The parts of a SearchRequest the entry's plain object depends on. */
interface Wanted {
  readonly attributes: readonly string[];
  readonly explicitBufferAttributes: readonly string[];
}

interface ParserInternals {
  buffer?: Buffer;
  read(data: Buffer, messageDetailsByMessageId: ReadonlyMap<string, { message?: unknown }>): void;
  emit(event: 'message', message: unknown): boolean;
}

/** Replaces the client's reply parser's entry path; returns whether it did. */
export function installSearchEntryReader(client: Client): boolean {
  const candidate: unknown = (client as unknown as { messageParser?: unknown }).messageParser;
  if (!(candidate instanceof MessageParser)) return false;
  const parser = candidate as unknown as ParserInternals;
  if (parser.read !== (MessageParser.prototype as unknown as ParserInternals).read) return false;
  const ldaptsRead = parser.read.bind(parser);
  const reader = new ChunkReader(parser, ldaptsRead);
  parser.read = (data, details) => reader.read(data, details);
  return true;
}

class ChunkReader {
  /** The request of the last entry's message id: a page's entries all answer one. */
  private lastMessageId = -1;
  private lastWanted: Wanted | undefined;
  /** Attribute types by position, reused while the bytes match, so that each is one string used as a key. */
  private readonly types = new TypeNames();

  constructor(
    private readonly parser: ParserInternals,
    private readonly ldaptsRead: ParserInternals['read'],
  ) {}

  read(data: Buffer, details: ReadonlyMap<string, { message?: unknown }>): void {
    const parser = this.parser;
    const bytes = parser.buffer ? Buffer.concat([parser.buffer, data]) : data;
    parser.buffer = undefined;
    let at = 0;
    while (at < bytes.length) {
      const contentStart = bytes[at] === SEQUENCE ? lengthEnd(bytes, at + 1) : MALFORMED;
      if (contentStart === INCOMPLETE) break;
      // Not a message this reader understands: ldapts reads the rest and reports it as it would.
      if (contentStart === MALFORMED) return this.ldaptsRead(bytes.subarray(at), details);
      const end = contentStart + lengthOf(bytes, at + 1);
      if (end > bytes.length) break;
      const entry = this.entryOf(bytes, contentStart, end, details);
      if (entry) parser.emit('message', entry);
      else this.ldaptsRead(bytes.subarray(at, end), details);
      at = end;
    }
    if (at < bytes.length) parser.buffer = bytes.subarray(at);
  }

  private entryOf(
    bytes: Buffer,
    start: number,
    end: number,
    details: ReadonlyMap<string, { message?: unknown }>,
  ): FastSearchEntry | null {
    const messageId = entryMessageId(bytes, start, end);
    if (messageId < 0) return null;
    if (messageId !== this.lastMessageId) {
      const request = details.get(String(messageId))?.message as Partial<Wanted> | undefined;
      if (!Array.isArray(request?.attributes) || !Array.isArray(request?.explicitBufferAttributes))
        return null;
      this.lastMessageId = messageId;
      this.lastWanted = request as Wanted;
    }
    const wanted = this.lastWanted!;
    const object = parseEntry(bytes, start, end, wanted, this.types);
    return object && new FastSearchEntry(messageId, parsedDn, object, wanted, bytes, start, end);
  }
}

/** The message id when bytes[start, end) is a SearchResultEntry without controls; -1 otherwise. */
function entryMessageId(bytes: Buffer, start: number, end: number): number {
  const cursor = shared.reset(bytes, start, end);
  if (!cursor.enter(INTEGER) || cursor.contentEnd - cursor.contentStart > 4) return -1;
  if (bytes[cursor.contentStart]! >= 0x80) return -1;
  let messageId = 0;
  for (let i = cursor.contentStart; i < cursor.contentEnd; i++) messageId = messageId * 256 + bytes[i]!;
  cursor.leave();
  // An entry with controls after it ends after its protocol operation; ldapts parses those.
  return cursor.enter(SEARCH_RESULT_ENTRY) && cursor.contentEnd === end ? messageId : -1;
}

/** The DN of the entry parseEntry read last (an attribute named `dn` may take its place in the object). */
let parsedDn = '';
/** The cursor of entryMessageId and parseEntry, which never run at the same time and keep nothing of it. */
const shared = new Cursor(Buffer.alloc(0), 0, 0);

/**
 * The plain object SearchEntry.toObject makes of a SearchResultEntry (whose message is bytes[start, end)) for a
 * request, its DN left in `parsedDn`; null when the bytes are not what a well-formed entry holds.
 */
function parseEntry(
  bytes: Buffer,
  start: number,
  end: number,
  wanted: Wanted,
  types: TypeNames,
): EntryObject | null {
  const cursor = shared.reset(bytes, start, end);
  cursor.enter(INTEGER);
  cursor.leave();
  cursor.enter(SEARCH_RESULT_ENTRY);
  if (!cursor.enter(OCTET_STRING)) return null;
  const dn = utf8Slice.call(bytes, cursor.contentStart, cursor.contentEnd);
  cursor.leave();
  if (!cursor.enter(SEQUENCE) || cursor.contentEnd !== end) return null;
  parsedDn = dn;
  const object: EntryObject = { dn };
  const asBytes = wanted.explicitBufferAttributes;
  let position = 0;
  while (cursor.at < end) {
    if (!cursor.enter(SEQUENCE)) return null;
    const attributeEnd = cursor.contentEnd;
    if (!cursor.enter(OCTET_STRING)) return null;
    const type = types.at(position++, bytes, cursor.contentStart, cursor.contentEnd);
    cursor.leave();
    // Most attributes hold one value: it is kept bare, and a list is made from the second value on.
    let first: Value | undefined;
    let values: Value[] | undefined;
    if (cursor.at < attributeEnd) {
      if (!cursor.enter(SET) || cursor.contentEnd !== attributeEnd) return null;
      const setStart = cursor.at;
      let decoded = !(asBytes.length > 0 && asBytes.includes(type)) && !isBinaryType(type);
      let mixed = false;
      while (cursor.at < attributeEnd) {
        if (!cursor.enter(OCTET_STRING)) return null;
        const text = decoded ? utf8OrNull(bytes, cursor.contentStart, cursor.contentEnd) : null;
        if (text === null && decoded) {
          decoded = false;
          mixed = first !== undefined;
        }
        const value = text ?? bytes.subarray(cursor.contentStart, cursor.contentEnd);
        if (first === undefined) first = value;
        else if (values === undefined) values = [first, value];
        else values.push(value);
        cursor.leave();
      }
      // ldapts gives an attribute with one undecodable value all its values as bytes.
      if (mixed) values = valueBytes(bytes, setStart, attributeEnd);
    }
    if (cursor.at !== attributeEnd) return null;
    object[type] = values ?? first ?? [];
  }
  for (const attribute of wanted.attributes) {
    if (object[attribute] === undefined && !hasType(object, attribute)) object[attribute] = [];
  }
  return object;
}

/** Whether the object has an attribute of this name in another case (the server's spelling of a request's). */
function hasType(object: EntryObject, attribute: string): boolean {
  const wanted = attribute.toLocaleLowerCase();
  for (const key in object) if (key !== 'dn' && key.toLocaleLowerCase() === wanted) return true;
  return false;
}

/** The values of a set whose content is bytes[start, end), each as its bytes (already walked once). */
function valueBytes(bytes: Buffer, start: number, end: number): Buffer[] {
  const cursor = new Cursor(bytes, start, end);
  const values: Buffer[] = [];
  while (cursor.enter(OCTET_STRING)) {
    values.push(bytes.subarray(cursor.contentStart, cursor.contentEnd));
    cursor.leave();
  }
  return values;
}

/** `;binary` types are bytes by name, as ldapts decides. */
function isBinaryType(type: string): boolean {
  return type.length >= 7 && type.charCodeAt(type.length - 7) === 0x3b && /;binary$/i.test(type);
}

/** The value as text when its bytes are valid UTF-8, as ldapts's fatal decoder decides; else null. */
function utf8OrNull(bytes: Buffer, start: number, end: number): string | null {
  const text = utf8Slice.call(bytes, start, end);
  // The lenient slice marks bad bytes with U+FFFD and keeps a BOM; either sends the value to the strict decoder.
  if (text.indexOf('\uFFFD') === -1 && text.charCodeAt(0) !== 0xfeff) return text;
  try {
    return strictUtf8.decode(bytes.subarray(start, end));
  } catch {
    return null;
  }
}

/** Attribute type strings by position in the entry, reused while the next entry's bytes spell the same. */
class TypeNames {
  private readonly names: string[] = [];

  at(position: number, bytes: Buffer, start: number, end: number): string {
    const known = this.names[position];
    if (known !== undefined && spells(known, bytes, start, end)) return known;
    const name = utf8Slice.call(bytes, start, end);
    if (position < 64) this.names[position] = name;
    return name;
  }
}

/** Whether bytes[start, end) are the ASCII spelling of `text`. */
function spells(text: string, bytes: Buffer, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 || bytes[start + i] !== code) return false;
  }
  return true;
}

/**
 * A SearchResultEntry as ldapts's client handles it: an `instanceof SearchEntry` (its prototype is put under
 * SearchEntry's below) whose `toObject` gives the object built while reading. The client only ever calls that
 * (Client._sendSearch); SearchEntry's attribute objects are not built.
 */
class FastSearchEntry {
  constructor(
    readonly messageId: number,
    readonly name: string,
    private readonly object: EntryObject,
    private readonly wanted: Wanted,
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get protocolOperation(): number {
    return SEARCH_RESULT_ENTRY;
  }

  /** An entry that carried controls went to ldapts's parser; this one had none. */
  get controls(): unknown[] {
    return [];
  }

  toObject(attributes: readonly string[], explicitBufferAttributes: readonly string[]): EntryObject {
    const { wanted } = this;
    if (attributes === wanted.attributes && explicitBufferAttributes === wanted.explicitBufferAttributes) {
      return this.object;
    }
    return parseEntry(
      this.bytes,
      this.start,
      this.end,
      { attributes, explicitBufferAttributes },
      new TypeNames(),
    )!;
  }
}

Object.setPrototypeOf(FastSearchEntry.prototype, SearchEntry.prototype);
