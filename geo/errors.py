"""Domain exceptions. Pages catch these and show ``exc.text(lang)``; nothing matches on text."""


class PlannerError(ValueError):
    """Base class: a problem the user can act on, with a message that says which.

    The message is a :class:`geo.i18n.Message` (or :class:`geo.i18n.Joined`), shown in
    the user's language by :meth:`text`; ``str()`` gives the default language (Chinese).
    Plain text is still taken, shown as it is in every language.
    """

    def __init__(self, message: object = ""):
        super().__init__(str(message))
        self.message = message

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        render = getattr(self.message, "text", None)
        return render(lang) if callable(render) else str(self.message)


class StoreError(PlannerError):
    """The GeoPackage store is missing, of another schema version, or lacks a layer."""


class StoreBusyError(StoreError):
    """Another writer holds the store longer than a writer waits."""


class StoreChangedError(StoreError):
    """The store changed between reading and writing: the write is refused, nothing is lost."""


class SchemaError(PlannerError):
    """A layer's columns or values do not fit the schema."""


class CRSError(PlannerError):
    """A geometry is in a CRS that the computation cannot use (e.g. degrees for area)."""


class PlanFileError(PlannerError):
    """A plan (targets) file is missing, unreadable or incomplete."""


class ValidationError(PlannerError):
    """A value is refused (an unknown status, a negative area, a date in the future)."""


class AccessError(PlannerError):
    """A request reaches for something the user may not open or change."""
