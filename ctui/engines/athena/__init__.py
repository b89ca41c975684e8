"""The Athena engine (boto3); imported only when the user chooses Athena."""

from __future__ import annotations

from ctui.engines.athena.engine import AthenaEngine

__all__ = ["AthenaEngine"]
