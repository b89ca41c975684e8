"""Who is this really? Follow a session back through STS hops to the person or workload behind it.

Textual-free: `walker.Walker` follows the chain with one query per hop (`hopsql` builds them on the
sqlglot AST), `runner.run_query` runs each one like any query (lint, estimate, guard, history),
`chain` holds the answer the CLI and the TUI render.
"""

from __future__ import annotations

from ctui.identity.chain import Chain, Hop, Origin, QueryRun, Subject
from ctui.identity.walker import Start, Walker

__all__ = ["Chain", "Hop", "Origin", "QueryRun", "Start", "Subject", "Walker"]
