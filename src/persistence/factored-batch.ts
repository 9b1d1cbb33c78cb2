/**
 * A batch of JSON documents sent to PostgreSQL in one statement, with the members that every document of
 * the batch has with the same value sent once (`common`) and each document's other members in `rows`
 * (a JSON array text). SQL rebuilds each document as `common || row` (jsonb concatenation: the same
 * document, key order being no property of jsonb). A recon's audit events and entries share most members
 * (run id, mapping, user, situation, action, status…): this sends about a third of the bytes, and turning a
 * string into the bytes of a bind parameter is a large part of what a batch costs Node.
 */
export interface FactoredBatch {
  /** JSON object text: the members identical in every document. */
  readonly common: string;
  /** JSON array text: per document, the remaining members, in the batch's order. */
  readonly rows: string;
  /** The members in `common`, as values: a member is either here or in every row that has it, never both. */
  readonly shared: Readonly<Record<string, unknown>>;
}

/** `omit`: members left out of both parts (sent apart by the caller, e.g. each row's `_id`). */
export function factorBatch(objects: readonly object[], omit: ReadonlySet<string> = NOTHING): FactoredBatch {
  const docs = objects as readonly Readonly<Record<string, unknown>>[];
  const [first] = docs;
  if (first === undefined) return { common: '{}', rows: '[]', shared: NONE };
  // Candidates: the first document's members that are scalars, null or empty arrays (the shapes recon's
  // constant members have); anything else stays per document, so no value is serialised twice.
  let keys = Object.keys(first).filter(
    (key) => !omit.has(key) && (isScalar(first[key]) || isEmptyArray(first[key])),
  );
  for (let i = 1; i < docs.length && keys.length > 0; i++) {
    const doc = docs[i] as Readonly<Record<string, unknown>>;
    if (keys.some((key) => !sameMember(first[key], doc[key]))) {
      keys = keys.filter((key) => sameMember(first[key], doc[key]));
    }
  }
  if (keys.length === 0 && omit.size === 0) return { common: '{}', rows: JSON.stringify(docs), shared: NONE };
  const common: Record<string, unknown> = {};
  for (const key of keys) common[key] = first[key];
  const left = new Set([...keys, ...omit]);
  const rows = docs.map((doc) => {
    const rest: Record<string, unknown> = {};
    for (const key of Object.keys(doc)) if (!left.has(key)) rest[key] = doc[key];
    return rest;
  });
  return { common: JSON.stringify(common), rows: JSON.stringify(rows), shared: common };
}

const NOTHING: ReadonlySet<string> = new Set();
const NONE: Readonly<Record<string, unknown>> = Object.freeze({});

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && value !== undefined && typeof value !== 'function');
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

/** `expected` is a scalar or an empty array (a candidate); `value` matches it as JSON would. */
function sameMember(expected: unknown, value: unknown): boolean {
  return isEmptyArray(expected) ? isEmptyArray(value) : value === expected;
}
