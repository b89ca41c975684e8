"""Drill-down in the TUI: breadcrumb bar, event detail, and the controller behind Enter/x/F/c/i/e."""
