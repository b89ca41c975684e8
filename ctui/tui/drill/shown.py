"""When a view comes on screen: the editor follows the stack."""

from __future__ import annotations

from textual.widgets import TextArea

from ctui.viewstack import View, ViewStack


def view_shown(editor: TextArea, stack: ViewStack, view: View) -> None:
    """Call whenever `view` becomes the view on screen (run or restored from the stack).

    A drilled view (it has a parent) puts its SQL in the editor, after saving the editor's whole
    text on the view it was drilled from; coming back to a view restores the text it was left with.
    """
    if view.editor_text is not None:
        if editor.text != view.editor_text:
            editor.load_text(view.editor_text)
        return
    if view.parent_sql is None or view is not stack.top or len(stack) < 2:
        return
    parent = stack[len(stack) - 2]
    if parent.editor_text is None:
        parent.editor_text = editor.text
    view.editor_text = view.sql
    editor.load_text(view.sql)

