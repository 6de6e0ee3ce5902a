/**
 * Apache Airflow version of the MWAA environment: the one `mwaa-dags/` is developed and tested with (its
 * `requirements.txt` pins `constraints-<version>`). test/infra asserts the two agree.
 */
export const AIRFLOW_VERSION = '3.3.1';

/**
 * The newest Airflow version the `AWS::MWAA::Environment` documentation lists (AirflowVersion allowed values).
 * The `update-environment` fallback creates the environment on it, then upgrades through the MWAA API.
 */
export const CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION = '3.0.6';
