/** A managed object as stored: a JSON document with its id and an integer revision (CREST `_rev` is its string). */
export interface StoredObject {
  readonly id: string;
  readonly rev: number;
  /** The document without `_id`/`_rev`. */
  readonly doc: JsonObject;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
