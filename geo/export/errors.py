"""The export's own refusal: a bad request or a missing font, with a message that says which."""

from geo.errors import PlannerError


class ExportError(PlannerError):
    """An export request is refused (unknown page, bad paper/DPI/format, unwritable path, no CJK font)."""
