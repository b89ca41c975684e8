"""ctui: investigate AWS CloudTrail logs with SQL, on Athena or an embedded DuckDB engine."""

__version__ = "0.1.0"
