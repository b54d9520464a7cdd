"""textmine: turn a survey's open answers into coded, counted, quotable evidence.

``from textmine import Project`` is the library's face (see ``help(Project)``);
bad input raises ``textmine.InputError``.
"""

from .errors import InputError
from .project import Project
from .version import __version__

__all__ = ["InputError", "Project", "__version__"]
