"""What the main screen's owners read of the app (attributes down): one protocol, so each owner
depends on these facts and not on the app's class (tests hand them a stand-in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ctui.config import Settings
    from ctui.engines.base import Engine
    from ctui.incident_window import WindowContext
    from ctui.model import Catalog


class AppSources(Protocol):
    """The engine once built, its catalog once loaded, the settings and the incident window."""

    @property
    def engine(self) -> Engine | None: ...

    @property
    def catalog(self) -> Catalog | None: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def window_context(self) -> WindowContext | None: ...
