"""Monitoring of the champion's scores: drift (PSI) and realised outcomes (see README.md in this folder)."""
