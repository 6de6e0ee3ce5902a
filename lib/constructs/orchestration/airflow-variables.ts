/**
 * Names of the Airflow Variables the stack sets for the DAGs from the stage configuration (no CDK import, so
 * the local Airflow reads the same names: local/airflow/stage-variables.ts).
 */

/** The stage's dead-letter raw-bytes retention, in days (`retention.deadLetterRawBytesDays`; dead_letter_retention). */
export const DEAD_LETTER_RETENTION_VARIABLE = 'dead_letter_raw_bytes_retention_days';
