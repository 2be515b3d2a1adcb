"""meetingpack: council committee papers as a public document pack PDF and an accessible website.

The pipeline, one module a stage: load -> validate -> resolve -> render (render/) -> publish.
"""

__version__ = "0.1.0"
