import type { ManagedConfig } from './managed-config.schema';

/**
 * Used when a project has no managed.json: OpenIDM's default `user` and `role` types, reduced to the
 * properties Concord acts on. Kept in step with /config/managed.json of this repository.
 */
export const DEFAULT_MANAGED_CONFIG: ManagedConfig = {
  objects: [
    {
      name: 'user',
      schema: {
        $schema: 'http://json-schema.org/draft-03/schema',
        type: 'object',
        title: 'User',
        required: ['userName', 'givenName', 'sn', 'mail'],
        properties: {
          userName: { type: 'string', title: 'Username', searchable: true, unique: true, required: true },
          password: {
            type: 'string',
            title: 'Password',
            encryption: { key: 'openidm-sym-default' },
            scope: 'private',
          },
          givenName: { type: 'string', title: 'First Name', searchable: true, required: true },
          sn: { type: 'string', title: 'Last Name', searchable: true, required: true },
          mail: { type: 'string', title: 'Email Address', searchable: true, required: true },
          displayName: { type: 'string', title: 'Display Name', searchable: true },
          description: { type: 'string', title: 'Description' },
          telephoneNumber: { type: 'string', title: 'Telephone Number' },
          accountStatus: { type: 'string', title: 'Status', searchable: true, default: 'active' },
        },
      },
    },
    {
      name: 'role',
      schema: {
        $schema: 'http://json-schema.org/draft-03/schema',
        type: 'object',
        title: 'Role',
        required: ['name'],
        properties: {
          name: { type: 'string', title: 'Name', searchable: true, required: true },
          description: { type: 'string', title: 'Description' },
        },
      },
    },
  ],
};
