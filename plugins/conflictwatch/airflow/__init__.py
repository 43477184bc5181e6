"""The thin Airflow adapter: callbacks and the Cosmos task group the DAG files wire in.

The rest of the package never imports Airflow; only dags/ and this subpackage do.
"""
