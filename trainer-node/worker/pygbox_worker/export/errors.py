"""The one failure type of the exporter: a message naming the file/field and a hint saying the fix.

`__main__` turns it into the contract's `error` event and exit code 1; anything else is a bug and
keeps its traceback on stderr.
"""

from __future__ import annotations


class ExportError(Exception):
    def __init__(self, message: str, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field
