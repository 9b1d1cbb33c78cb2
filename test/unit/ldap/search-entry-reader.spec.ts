/**
 * The quicker SearchResultEntry reader against ldapts's own parser, on the same bytes: whatever the chunks the
 * socket cuts them into, the client receives the same messages and the same plain objects from `toObject`.
 */
import { BerWriter, MessageParser, SearchEntry, type Client } from 'ldapts';
import { installSearchEntryReader } from '../../../src/connectors/ldap/search-entry-reader';

interface AttributeSpec {
  readonly type: string;
  readonly values: readonly (string | Buffer)[];
}

const SEARCH_RESULT_ENTRY = 0x64;
const SEARCH_RESULT_DONE = 0x65;
const CONTROLS = 0xa0;

function entryMessage(
  messageId: number,
  dn: string,
  attributes: readonly AttributeSpec[],
  control = false,
): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(messageId);
  writer.startSequence(SEARCH_RESULT_ENTRY);
  writer.writeString(dn);
  writer.startSequence();
  for (const attribute of attributes) {
    writer.startSequence();
    writer.writeString(attribute.type);
    writer.startSequence(0x31);
    for (const value of attribute.values) {
      if (typeof value === 'string') writer.writeString(value);
      else writer.writeBuffer(value, 0x04);
    }
    writer.endSequence();
    writer.endSequence();
  }
  writer.endSequence();
  writer.endSequence();
  if (control) {
    writer.startSequence(CONTROLS);
    writer.startSequence();
    writer.writeString('1.3.6.1.4.1.4203.1.9.1.2');
    writer.endSequence();
    writer.endSequence();
  }
  writer.endSequence();
  return writer.buffer;
}

function doneMessage(messageId: number): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(messageId);
  writer.startSequence(SEARCH_RESULT_DONE);
  writer.writeEnumeration(0);
  writer.writeString('');
  writer.writeString('');
  writer.endSequence();
  writer.endSequence();
  return writer.buffer;
}

const request = (attributes: string[], explicitBufferAttributes: string[] = []) => ({
  attributes,
  explicitBufferAttributes,
});

/** Who built each message of the last heardBy: ldapts's parser or the reader. */
let readBy: string[] = [];

interface Heard {
  readonly kind: string;
  readonly messageId?: number;
  readonly object?: unknown;
  readonly error?: string;
}

/** Feeds the chunks to a parser (with or without the reader) and lists what the client would receive. */
function heardBy(
  withReader: boolean,
  chunks: readonly Buffer[],
  requests: Map<string, { message: unknown }>,
): Heard[] {
  const parser = new MessageParser();
  readBy = [];
  if (withReader) expect(installSearchEntryReader({ messageParser: parser } as unknown as Client)).toBe(true);
  const heard: Heard[] = [];
  parser.on('message', (message) => {
    readBy.push(
      message instanceof SearchEntry && Object.getPrototypeOf(message) !== SearchEntry.prototype
        ? 'reader'
        : 'ldapts',
    );
    const wanted = requests.get(String(message.messageId))?.message as ReturnType<typeof request> | undefined;
    const asObject = (message as { toObject?: (a: string[], b: string[]) => unknown }).toObject;
    heard.push({
      kind: `${message instanceof SearchEntry ? 'entry ' : ''}${message.protocolOperation.toString(16)}`,
      messageId: message.messageId,
      object:
        asObject && wanted
          ? asObject.call(message, wanted.attributes, wanted.explicitBufferAttributes)
          : undefined,
    });
  });
  parser.on('error', (error: Error) => heard.push({ kind: 'error', error: error.message }));
  for (const chunk of chunks) parser.read(chunk, requests as never);
  return heard;
}

function cutAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(Buffer.from(bytes.subarray(from, cut)));
    from = cut;
  }
  return chunks;
}

const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x80, 0x81]);
const BOM_TEXT = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('after a BOM', 'utf8')]);
const LITERAL_REPLACEMENT = Buffer.from('a real \uFFFD in text', 'utf8');

const ENTRIES: [string, AttributeSpec[]][] = [
  [
    'uid=plain,ou=People,dc=example,dc=com',
    [
      { type: 'entryUUID', values: ['0d7c8a9e-1111-4a2b-9c3d-5e6f7a8b9c0d'] },
      { type: 'entryCSN', values: ['20261203120000.000000Z#000000#000#000000'] },
    ],
  ],
  [
    'uid=zoë,ou=Pëople,dc=example,dc=com',
    [
      { type: 'cn', values: ['Zoë Ünïcode 😀'] },
      { type: 'mail', values: ['a@example.com', 'b@example.com', 'c@example.com'] },
      { type: 'objectClass', values: ['top', 'person', 'inetOrgPerson'] },
    ],
  ],
  [
    'uid=bytes,ou=People,dc=example,dc=com',
    [
      { type: 'jpegPhoto', values: [PHOTO] },
      { type: 'description', values: ['valid', Buffer.from([0x61, 0xc3])] },
      { type: 'audio', values: [BOM_TEXT] },
      { type: 'title', values: [LITERAL_REPLACEMENT] },
      { type: 'userCertificate;binary', values: [Buffer.from('printable but binary by name')] },
      { type: 'USERSMIME;BINARY', values: [Buffer.from('upper case binary')] },
      { type: 'seeAlso', values: [] },
      { type: 'sn', values: [''] },
    ],
  ],
  ['', [{ type: 'namingContexts', values: ['dc=example,dc=com'] }]],
];

function stream(messageId: number): Buffer {
  return Buffer.concat([
    ...ENTRIES.map(([dn, attributes]) => entryMessage(messageId, dn, attributes)),
    doneMessage(messageId),
  ]);
}

describe('the SearchResultEntry reader', () => {
  const wanted = new Map([
    ['7', { message: request(['entryUUID', 'entryCSN', 'CN', 'Mail', 'telephoneNumber', 'jpegPhoto']) }],
  ]);

  it('gives the objects ldapts gives: text, several values, bytes, BOMs, empty sets, absent and other-case requests', () => {
    const theirs = heardBy(false, [stream(7)], wanted);
    const mine = heardBy(true, [stream(7)], wanted);
    expect(mine).toEqual(theirs);
    expect(mine.map((heard) => heard.kind)).toEqual(['entry 64', 'entry 64', 'entry 64', 'entry 64', '65']);
    expect(readBy).toEqual(['reader', 'reader', 'reader', 'reader', 'ldapts']);
    const [plain, zoe, bytes] = mine.map((heard) => heard.object as Record<string, unknown>);
    expect(plain).toMatchObject({ dn: 'uid=plain,ou=People,dc=example,dc=com', CN: [], telephoneNumber: [] });
    expect(zoe).toMatchObject({
      cn: 'Zoë Ünïcode 😀',
      mail: ['a@example.com', 'b@example.com', 'c@example.com'],
    });
    expect(zoe).not.toHaveProperty('CN');
    expect(bytes!.jpegPhoto).toEqual(PHOTO);
    expect(bytes!.description).toEqual([Buffer.from('valid'), Buffer.from([0x61, 0xc3])]);
    expect(bytes!.audio).toBe('after a BOM');
    expect(bytes!.title).toBe('a real \uFFFD in text');
    expect(bytes!['userCertificate;binary']).toEqual(Buffer.from('printable but binary by name'));
    expect(bytes!.seeAlso).toEqual([]);
    expect(bytes!.sn).toBe('');
  });

  it('gives the explicitly requested attributes as bytes', () => {
    const asBytes = new Map([['9', { message: request(['cn', 'mail'], ['cn', 'mail', 'sn']) }]]);
    const mine = heardBy(true, [stream(9)], asBytes);
    expect(mine).toEqual(heardBy(false, [stream(9)], asBytes));
    expect((mine[1]!.object as Record<string, unknown>).cn).toEqual(Buffer.from('Zoë Ünïcode 😀'));
  });

  it('reads the same messages however the socket cuts the bytes', () => {
    const bytes = stream(7);
    const expected = heardBy(false, [bytes], wanted);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(heardBy(true, cutAt(bytes, [cut]), wanted)).toEqual(expected);
    }
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(heardBy(true, cutAt(bytes, everyByte), wanted)).toEqual(expected);
  });

  it('reads a value longer than a socket read, with a four-octet length', () => {
    const big = Buffer.alloc(300_000, 0x41);
    const bytes = Buffer.concat([
      entryMessage(7, 'uid=big,dc=example', [{ type: 'jpegPhoto', values: [big] }]),
      doneMessage(7),
    ]);
    const chunks = cutAt(bytes, [10, 65_536, 131_072, 262_144]);
    const mine = heardBy(true, chunks, wanted);
    expect(mine).toEqual(heardBy(false, [bytes], wanted));
    expect((mine[0]!.object as Record<string, unknown>).jpegPhoto).toBe('A'.repeat(300_000));
  });

  it("leaves to ldapts an entry with controls, an unknown message id and bytes it cannot read, with ldapts's errors", () => {
    const controlled = entryMessage(7, 'uid=c,dc=example', [{ type: 'cn', values: ['c'] }], true);
    const unknownId = entryMessage(8, 'uid=u,dc=example', [{ type: 'cn', values: ['u'] }]);
    const indefinite = Buffer.from([0x30, 0x80, 0x02, 0x01, 0x07, 0x00, 0x00]);
    const bytes = Buffer.concat([controlled, unknownId, indefinite]);
    const theirs = heardBy(false, [bytes], wanted);
    const mine = heardBy(true, [bytes], wanted);
    expect(mine).toEqual(theirs);
    expect(mine.map((heard) => heard.kind)).toEqual(['entry 64', 'entry 64', 'error']);
    expect(readBy).toEqual(['ldapts', 'ldapts']);
  });

  it('is put on a client once, and only on a parser it knows', () => {
    const parser = new MessageParser();
    expect(installSearchEntryReader({ messageParser: parser } as unknown as Client)).toBe(true);
    expect(installSearchEntryReader({ messageParser: parser } as unknown as Client)).toBe(false);
    expect(installSearchEntryReader({} as unknown as Client)).toBe(false);
  });
});
