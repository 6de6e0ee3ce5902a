"""Shared logic of the pipeline's Airflow DAGs.

MWAA puts the DAGs folder on ``sys.path``, so a package *inside* ``dags/`` is importable by the DAG files on
MWAA and locally alike without a plugins.zip or a wheel. ``dags/.airflowignore`` keeps the DAG processor from
parsing these modules as DAG files.

Rules for this package: DAG files only wire tasks; everything that computes or talks to a store lives here.
Modules that need a driver (psycopg2, cassandra-driver, confluent-kafka, jsonschema, boto3) import it inside the
function that uses it, so that parsing a DAG file never loads a driver or opens a connection.
"""
