"""textmine: turn a survey's open answers into coded, counted, quotable evidence."""

__version__ = "0.1.0"
