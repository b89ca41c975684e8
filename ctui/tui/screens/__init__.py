"""Screens: the main workspace and the modals (help, confirm, history, library, export, value)."""
