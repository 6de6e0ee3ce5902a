/** The PostgreSQL sink's name: its metrics (PostgresWrite…), and the CDK side's SinkAccess (RelationalStore). */
export const POSTGRES_SINK_NAME = 'postgres';
