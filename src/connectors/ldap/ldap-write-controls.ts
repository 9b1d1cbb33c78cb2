/**
 * Two request controls that let one modify both check and report the entry it changes, so that a sync which
 * already saw the entry need not search for it again (docs/benchmarks.md, bench:sync: the search before each
 * implicit-sync modify is what (a)'s slowest PUTs wait on):
 * - the Assertion control (RFC 4528): the server applies the operation only if the entry matches a filter,
 *   else answers `assertionFailed` (122) and changes nothing — `(entryCSN=<as last seen>)` makes a modify
 *   conditional on nobody having changed the entry since, as `If-Match` does for a managed object;
 * - the Post-Read control (RFC 4527): the server returns the entry as the operation left it, in the same reply.
 * ldapts sends a request control's value through `writeControl` and hands a response control to the request
 * control of the same type (`parseControl`), which is where the Post-Read reply is read.
 */
import {
  Ber,
  BerWriter,
  Control,
  EqualityFilter,
  SearchEntry,
  type BerReader,
  type Entry,
  type Filter,
} from 'ldapts';

/** The result code of an operation whose assertion did not hold (RFC 4528 §3). */
export const ASSERTION_FAILED = 122;

/** SearchResultEntry's tag, [APPLICATION 4] constructed: the Post-Read reply's value is one (RFC 4527 §3.2). */
const SEARCH_RESULT_ENTRY = 0x64;

export class AssertionControl extends Control {
  static readonly type = '1.3.6.1.1.12';

  /** Critical: a server that cannot check the assertion must refuse the operation, not apply it unchecked. */
  constructor(private readonly filter: Filter) {
    super(AssertionControl.type, { critical: true });
  }

  /** The operation applies only while `attribute` still equals `value` on the entry. */
  static unchanged(attribute: string, value: string): AssertionControl {
    return new AssertionControl(new EqualityFilter({ attribute, value }));
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    this.filter.write(value);
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }
}

export class PostReadControl extends Control {
  static readonly type = '1.3.6.1.1.13.2';

  /** The entry as the operation left it, once the reply is read; undefined before, or if the server sent none. */
  entry: Entry | undefined;

  /**
   * `attributes`: what the reply should hold (ldapts's `toObject` gives each requested one, `[]` when absent);
   * `binary`: those among them to keep as bytes.
   */
  constructor(
    private readonly attributes: readonly string[],
    private readonly binary: readonly string[] = [],
  ) {
    super(PostReadControl.type, { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    for (const attribute of this.attributes) value.writeString(attribute);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  protected override parseControl(reader: BerReader): void {
    if (reader.readSequence(SEARCH_RESULT_ENTRY) === null) return;
    const entry = new SearchEntry({ messageId: 0 });
    entry.parseMessage(reader);
    this.entry = entry.toObject([...this.attributes], [...this.binary]);
  }
}
