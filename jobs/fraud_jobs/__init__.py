"""Card-fraud detection jobs: synthetic data generator, cleaning, features and training."""
