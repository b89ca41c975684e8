"""The query lifecycle both front ends share: preflight (lint + estimate + guard → one decision),
follow (statuses, history), cancellation on signals, and the view stack. Textual-free.
"""

from __future__ import annotations

from ctui.session.core import Session
from ctui.session.follow import Run
from ctui.session.preflight import Preflight, Verdict, describe_finding, preflight
from ctui.session.signals import SignalReceived

__all__ = ["Preflight", "Run", "Session", "SignalReceived", "Verdict", "describe_finding", "preflight"]
