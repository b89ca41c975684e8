from ctui.cli import entry

entry()
