/**
 * A list of texts sent to PostgreSQL as one text parameter, its items separated by U+0001, and read back in SQL
 * as a text[] (`string_to_array`, C code that only looks for the separator). pg's own text[] parameter quotes
 * and escapes every item (`"…"` with `\` before each `"` and `\`): for a batch of recon entries, whose items
 * are JSON texts full of quotes, that made two new strings per item — 12% of what a first recon of 100,000
 * entries allocated — and PostgreSQL then parsed the quoting back out.
 *
 * JSON.stringify never writes U+0001 raw (it escapes every control character) and Concord's ids hold none;
 * a list with an item that does hold it, or an empty item (which the separator form reads as a null), goes as
 * a text[] as before. Null items are sent as empty ones and read back as null.
 */
export interface TextListParam {
  /** The bind parameter: the joined text, or the array itself when the items cannot be joined. */
  readonly value: string | readonly (string | null)[];
  /** The SQL expression of type text[] that reads parameter `$n`. */
  sql(n: number): string;
}

const SEPARATOR = '\u0001';

export function textListParam(items: readonly (string | null)[]): TextListParam {
  const asArray = { value: items, sql: (n: number) => `$${n}::text[]` };
  for (const item of items) if (item !== null && (typeof item !== 'string' || item === '')) return asArray;
  // An empty list has no item to separate: string_to_array('') is the empty array; [null] would read as [].
  if (items.length === 1 && items[0] === null) return asArray;
  // join writes a null as ''. An item holding the separator shows as one separator too many: counted in the joined
  // text (a native search) rather than searched for in each item, which at a recon's 100,000 ids cost 3-4 times more.
  const joined = items.join(SEPARATOR);
  let separators = 0;
  for (let at = joined.indexOf(SEPARATOR); at >= 0; at = joined.indexOf(SEPARATOR, at + 1)) separators += 1;
  if (separators !== Math.max(0, items.length - 1)) return asArray;
  return { value: joined, sql: (n) => `string_to_array($${n}::text, E'\\x01', '')` };
}
