"""Code shared by the jobs: Spark session builder and the raw/cleaned schemas."""
