"""textmine: turn a survey's open answers into coded, counted, quotable evidence."""

from .version import __version__

__all__ = ["__version__"]
