/**
 * The CREST `_queryFilter` as a tree (grammar in shared/reference/openidm-sync-facts.md §7.3).
 * Produced by query-filter.parser.ts; consumed by the in-memory evaluator (conditions in sync.json),
 * by the SQL translator (persistence/) and by the LDAP filter translator (connectors/ldap/).
 */
export type JsonPointer = readonly string[]; // `/a/b` or `a/b` as ['a', 'b']; `/` alone is []

export type FilterValue = string | number | boolean;

export type ComparisonOperator = 'eq' | 'co' | 'sw' | 'gt' | 'ge' | 'lt' | 'le';

export type QueryFilter =
  | { readonly type: 'true' }
  | { readonly type: 'false' }
  | { readonly type: 'and'; readonly filters: readonly QueryFilter[] }
  | { readonly type: 'or'; readonly filters: readonly QueryFilter[] }
  | { readonly type: 'not'; readonly filter: QueryFilter }
  | { readonly type: 'present'; readonly field: JsonPointer }
  | {
      readonly type: 'comparison';
      readonly operator: ComparisonOperator;
      readonly field: JsonPointer;
      readonly value: FilterValue;
    }
  | {
      /** An operator outside the standard set (`[a-zA-Z_0-9.]+`, e.g. `ew`); adapters may reject it. */
      readonly type: 'extended';
      readonly operator: string;
      readonly field: JsonPointer;
      readonly value: FilterValue;
    };
