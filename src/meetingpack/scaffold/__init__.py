"""Scaffolds: the files `pack init` and `pack new` write for an officer to fill in.

`files.py` writes new files without ever overwriting one and turns text into
YAML values; `agenda.py` adds an item to a meeting.yaml while keeping the
rest of its text; `sections.py` is the cover report's standard sections with
their guidance; the other files here are copied into a new content
repository by `pack init` (README, CI workflows).
"""
