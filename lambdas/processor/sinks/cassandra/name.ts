/** The Cassandra / Keyspaces sink's name: its metrics (CassandraWrite…), and the CDK side's SinkAccess (KeyspacesStore). */
export const CASSANDRA_SINK_NAME = 'cassandra';
