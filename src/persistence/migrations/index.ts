import { ManagedObjects1763856000000 } from './0001-managed-objects.migration';

/** Every migration in order; TypeORM records the applied ones in `migrations`. */
export const MIGRATIONS = [ManagedObjects1763856000000];
