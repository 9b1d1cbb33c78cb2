/** A managed object as stored: a JSON document with its id and an integer revision (CREST `_rev` is its string). */
export interface StoredObject {
  readonly id: string;
  readonly rev: number;
  /** The document without `_id`/`_rev`. */
  readonly doc: JsonObject;
  /** Its version (ManagedObjectStore.versionPage), where the store gives it: createMany does. */
  readonly version?: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
