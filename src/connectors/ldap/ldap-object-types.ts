/**
 * Per object type: the LDAP filters a request turns into (type filter AND configured filter AND the translated
 * `_queryFilter`), the id filter, the user-name filter for authenticate, and sort controls.
 */
import { ServerSideSortingRequestControl } from 'ldapts';
import { badRequest, notFound } from '../../core/errors/domain-error';
import type { SortKey } from '../../core/crest/query-request';
import type { JsonPointer, QueryFilter } from '../../core/query-filter/query-filter.ast';
import { normalizeDn } from './ldap-dn';
import { LDAP_GROUPS, NAME, isAttribute, isReadable } from './ldap-entry.mapper';
import {
  type FilterAttribute,
  andFilters,
  escapeFilterValue,
  objectClassFilter,
  toLdapFilter,
  wrapConfigFilter,
} from './ldap-filter';
import type { ObjectTypeConfig, ProvisionerConfig } from './provisioner.config';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export class LdapObjectTypes {
  constructor(private readonly config: ProvisionerConfig) {}

  get(name: string): ObjectTypeConfig {
    const type = this.config.objectTypes.get(name);
    if (!type) throw notFound(`Object type ${name} is not defined for system/${this.config.name}`);
    return type;
  }

  /** The filter every search of this type uses, without a query filter: object classes and the configured filter. */
  typeFilter(type: ObjectTypeConfig): string {
    return andFilters([objectClassFilter(type.objectClasses), wrapConfigFilter(type.searchFilter)]);
  }

  searchFilter(type: ObjectTypeConfig, filter: QueryFilter): string {
    return andFilters([
      this.typeFilter(type),
      toLdapFilter(filter, (field) => this.resolveField(type, field)),
    ]);
  }

  /** `_id` is the uid attribute; `dn` (`__NAME__`) is OpenLDAP's `entryDN`; `ldapGroups` and hidden fields are refused. */
  resolveField(type: ObjectTypeConfig, field: JsonPointer): FilterAttribute | null {
    if (field.length !== 1) return null;
    const [name] = field;
    const uid = this.config.uidAttribute;
    if (name === '_id') return { attribute: uid.toLowerCase() === 'dn' ? 'entryDN' : uid, binary: false };
    const p = type.properties.find((prop) => prop.name === name);
    if (!p || !isReadable(p) || p.nativeName === LDAP_GROUPS) return null;
    if (p.nativeName === NAME) return { attribute: 'entryDN', binary: false };
    return { attribute: p.nativeName, binary: p.binary };
  }

  /** Null when `id` cannot be an id at all (so nothing is sent to the server). */
  idFilter(type: ObjectTypeConfig, id: string): string | null {
    const uid = this.config.uidAttribute;
    if (uid.toLowerCase() === 'entryuuid' && !UUID.test(id)) return null;
    if (id === '') return null;
    return andFilters([this.typeFilter(type), `(${uid}=${escapeFilterValue(id)})`]);
  }

  /** Matches `username` on any of `accountUserNameAttributes`. */
  userNameFilter(type: ObjectTypeConfig, username: string): string {
    const attrs = this.config.accountUserNameAttributes;
    const byName = attrs.map((a) => `(${a}=${escapeFilterValue(username)})`);
    return andFilters([this.typeFilter(type), byName.length === 1 ? byName[0] : `(|${byName.join('')})`]);
  }

  memberKey(dn: string): string {
    return normalizeDn(dn);
  }

  /** Attributes an update compares against: every readable stored attribute plus the id attribute. */
  writableAttributes(type: ObjectTypeConfig): string[] {
    const names = type.properties.filter((p) => isAttribute(p) && isReadable(p)).map((p) => p.nativeName);
    if (this.config.uidAttribute.toLowerCase() !== 'dn') names.push(this.config.uidAttribute);
    return names.length ? [...new Set(names)] : ['1.1'];
  }

  /** A critical Server Side Sorting control (RFC 2891); servers without it answer "unavailable critical extension". */
  sortControl(
    type: ObjectTypeConfig,
    sortKeys: readonly SortKey[] | undefined,
  ): ServerSideSortingRequestControl[] {
    if (!sortKeys || sortKeys.length === 0) return [];
    const value = sortKeys.map((key) => {
      const attr = this.resolveField(type, key.field);
      if (!attr) throw badRequest(`Cannot sort on /${key.field.join('/')}`);
      return { attributeType: attr.attribute, reverseOrder: !key.ascending };
    });
    return [new ServerSideSortingRequestControl({ critical: true, value })];
  }
}
