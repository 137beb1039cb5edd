"""Batch scoring with the registered champion (see README.md in this folder)."""
