"""Connections to the pipeline's stores, chosen by configuration (local servers or AWS services).

Every driver is imported inside the function that needs it (never at DAG parse time).
"""
