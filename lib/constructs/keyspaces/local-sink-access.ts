import { CASSANDRA_SINK_NAME } from '../../../lambdas/processor/sinks/cassandra/name.js';
import {
  type SignupDayLayout,
  signupDayEnvironment,
} from '../../../lambdas/shared/schema/cassandra/index.js';
import type { LocalServiceEndpoints } from '../../config/stage-settings.js';
import { type SinkAccess, staticSinkAccess } from '../shared/access.js';

/** The `cassandra` sink in the LocalStack stage: the compose Cassandra node, no AWS grants. */
export function localCassandraSinkAccess(
  local: LocalServiceEndpoints,
  signupDay: SignupDayLayout,
): SinkAccess {
  return staticSinkAccess(CASSANDRA_SINK_NAME, {
    CASSANDRA_AUTH: 'none',
    CASSANDRA_CONTACT_POINTS: local.cassandraContactPoints,
    CASSANDRA_PORT: String(local.cassandraPort),
    CASSANDRA_LOCAL_DC: local.cassandraLocalDataCenter,
    CASSANDRA_TLS: 'false',
    CASSANDRA_KEYSPACE: 'pipeline',
    CASSANDRA_CONSISTENCY: 'LOCAL_ONE',
    ...signupDayEnvironment(signupDay),
  });
}
