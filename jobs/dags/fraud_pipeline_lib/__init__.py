"""Building blocks of the `fraud_pipeline` DAG (jobs/dags/fraud_pipeline.py); not DAG files themselves."""
