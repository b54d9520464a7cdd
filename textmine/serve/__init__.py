"""The coding workbench (``textmine serve``): a local web app on a project's store.

Calls only :class:`textmine.Project` methods; see :func:`create_app`.
"""

from .app import create_app

__all__ = ["create_app"]
