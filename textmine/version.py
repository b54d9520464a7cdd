"""The package version, in a module of its own: modules that record it need not import
the package (whose __init__ imports them for the public API)."""

__version__ = "0.1.0"
