import { loadStageConfig, type RetentionSettings } from '../../bin/config/index.js';
import {
  keyspaceTables,
  type SignupDayLayout,
  type TableDefinition,
} from '../../lambdas/shared/schema/cassandra/index.js';
import { LOCAL_MAPPING_STAGE } from './local-mapping.js';

const SECONDS_PER_DAY = 86_400;

/** The retention of the stage the local mirror follows (dev): the same settings CDK deploys. */
export function localRetention(): RetentionSettings {
  return loadStageConfig(LOCAL_MAPPING_STAGE, {}).retention;
}

/**
 * The keyspace's tables with the local stage's default TTL on the user tables, as Keyspaces has them, for the
 * given day-table layout (default: only the bucketed day table).
 */
export function localKeyspaceTables(
  retention: RetentionSettings = localRetention(),
  signupDay?: SignupDayLayout,
): TableDefinition[] {
  return keyspaceTables({ userRowsTtlSeconds: retention.userRowsTtlDays * SECONDS_PER_DAY, signupDay });
}
