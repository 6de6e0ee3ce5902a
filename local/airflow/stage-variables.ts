/**
 * `export AIRFLOW_VAR_…=…` lines for the Airflow Variables the stack sets from the stage configuration, with the
 * values of the stage the local mirror follows (dev), so `npm run airflow` runs the DAGs with the settings MWAA
 * would give them: `eval "$(npx tsx local/airflow/stage-variables.ts)"` (local/airflow/run.sh does).
 */
import { DEAD_LETTER_RETENTION_VARIABLE } from '../../lib/constructs/orchestration/airflow-variables.js';
import { localRetention } from '../runtime/local-retention.js';

const variables: Record<string, string> = {
  [DEAD_LETTER_RETENTION_VARIABLE]: String(localRetention().deadLetterRawBytesDays),
};
for (const [name, value] of Object.entries(variables)) {
  console.log(`export AIRFLOW_VAR_${name.toUpperCase()}=${value}`);
}
