"""The Athena workgroup's settings that matter to ctui: its per-query scan cutoff and where results go."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from ctui.config import AthenaProfile
from ctui.engines.athena import errors
from ctui.engines.base import EngineError


class Workgroup:
    """The configured workgroup, described once (GetWorkGroup); a denied description reads as `{}`."""

    def __init__(
        self,
        profile: AthenaProfile,
        athena: Callable[[], Any],
        guard: Callable[[str], contextlib.AbstractContextManager[None]],
        region: Callable[[], str | None],
    ) -> None:
        self.profile = profile
        self._athena = athena  # the Athena client, made when first needed
        self._guard = guard
        self._region = region
        self._description: dict[str, Any] | None = None
        self.readable = True  # False: GetWorkGroup is denied to this identity

    def description(self) -> dict[str, Any]:
        """The workgroup's description (cached; `{}` when GetWorkGroup is denied to this identity).

        An unknown workgroup is an EngineError.
        """
        if self._description is None:
            name = self.profile.workgroup
            try:
                with self._guard(f"read workgroup {name}"):
                    response = self._athena().get_work_group(WorkGroup=name)
            except EngineError as exc:
                if not errors.is_denied(exc.__cause__):
                    raise
                self._description, self.readable = {}, False  # Athena will judge at submission
                return self._description
            found = response.get("WorkGroup")
            if not found:
                raise EngineError(
                    f"The Athena workgroup {name!r} does not exist for "
                    f"{errors.where(self.profile, self._region())}. Pass an existing one with --workgroup "
                    "(`aws athena list-work-groups`)."
                )
            self._description = found
        return self._description

    def cutoff_bytes(self) -> int | None:
        """The workgroup's BytesScannedCutoffPerQuery (Athena cancels queries that scan more)."""
        value = (self.description().get("Configuration") or {}).get("BytesScannedCutoffPerQuery")
        return int(value) if value else None

    def output_location(self) -> str | None:
        """Where results go: the workgroup's when enforced, else ours, else the workgroup's."""
        config = self.description().get("Configuration") or {}
        workgroup_location = (config.get("ResultConfiguration") or {}).get("OutputLocation")
        managed = (config.get("ManagedQueryResultsConfiguration") or {}).get("Enabled")
        if managed:  # a managed-results workgroup rejects an OutputLocation in the request
            return "managed"
        if config.get("EnforceWorkGroupConfiguration") and workgroup_location:
            return workgroup_location
        location = self.profile.output_location or workgroup_location
        if location is None and self.readable:
            raise errors.missing_output_location(self.profile, self._region())
        return location
