"""The inspiration catalogue: practices per theme, with staff curation.

    >>> practices = build_catalogue(store, "lmb", "trots")      # list of practice dicts
    >>> write_catalogue(practices, Path("catalogus.html"))        # or .md / .xlsx

``model`` builds the practices from the store (codes, cleaned text, units,
entities, embeddings), ``curation`` reads the staff's workbook into the
project, ``writers`` writes HTML, Markdown and the curation workbook.
"""

from .curation import CurationReport, curate, import_curation
from .model import SIMILARITY_THRESHOLD, build_catalogue, check_catalogue, summary
from .writers import SUFFIXES, check_suffix, write_catalogue

__all__ = ["build_catalogue", "check_catalogue", "write_catalogue", "import_curation", "curate", "CurationReport", "check_suffix",
           "SUFFIXES", "SIMILARITY_THRESHOLD", "summary"]
