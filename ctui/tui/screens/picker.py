"""The keys shared by the search-and-pick modals (library, history, completion)."""

from __future__ import annotations

from textual.widgets import Input, OptionList


class PickerKeys:
    """Up/down move through the options while typing in the search box; Enter or a click picks.

    The screen using it has one `Input` and one `OptionList`, and implements `choose(option_id)`
    (None when nothing is highlighted).
    """

    def choose(self, option_id: str | None) -> None:
        raise NotImplementedError

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)  # type: ignore[attr-defined]
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)  # type: ignore[attr-defined]
        if options.highlighted is not None and options.option_count:
            self.choose(options.get_option_at_index(options.highlighted).id)
        else:
            self.choose(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)
