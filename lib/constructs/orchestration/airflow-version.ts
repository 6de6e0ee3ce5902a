/**
 * Apache Airflow version of the MWAA environment: the one `mwaa-dags/` is developed and tested with (its
 * `requirements.txt` pins `constraints-<version>`). test/infra asserts the two agree.
 */
export const AIRFLOW_VERSION = '3.2.1';
