"""Training job: the book's protocol, a Spark ML pipeline, honest metrics, MLflow tracking and registry."""
