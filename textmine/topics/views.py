"""BERTopic's interactive views as offline HTML (plotly.js inlined, no CDN).

Written to ``<project>/topics/<survey>_<question>_{barchart,documents,hierarchy}.html``.
The documents map uses our own 2-D projection (PCA of the reducer's output,
so it shows the clusters the model saw, without a second UMAP fit) and the
redacted answers as hover text. Each view is written whole or not at all
(``atomic``): a run stopped halfway leaves the previous view, never half a page.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_text

VIEWS_DIR = "topics"


def two_d(reduced: np.ndarray) -> np.ndarray:
    """The reducer's output as 2-D points for the documents map (PCA; padded when it has fewer dimensions)."""
    from sklearn.decomposition import PCA

    if reduced.shape[1] <= 2:
        return np.hstack([reduced, np.zeros((len(reduced), 2 - reduced.shape[1]))])
    return PCA(n_components=2, svd_solver="full").fit_transform(reduced)


def write_views(fit: Any, labels: dict[int, str], out_dir: str | Path, prefix: str) -> dict[str, Path]:
    """Write the views that the fit allows; returns {name: path}. Skips a view that cannot be drawn
    (e.g. a hierarchy of one topic)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = fit.model
    k = fit.n_topics
    model.set_topic_labels({t: f"{t}: {labels.get(t, '')}"[:60] for t in range(k)})
    hover = [str(a.get("redacted_text") or "")[:200] for a in fit.answers]
    written: dict[str, Path] = {}
    makers = {
        "barchart": lambda: model.visualize_barchart(topics=list(range(k)), top_n_topics=min(k, 12),
                                                     n_words=8, custom_labels=True,
                                                     title="Trefwoorden per topic"),
        "documents": lambda: model.visualize_documents(hover, reduced_embeddings=two_d(fit.reduced),
                                                       custom_labels=True, hide_annotations=False,
                                                       title="Antwoorden en topics"),
        "hierarchy": lambda: model.visualize_hierarchy(custom_labels=True, title="Hiërarchie van de topics"),
    }
    for name, make in makers.items():
        if name == "hierarchy" and k < 3:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig = make()
        except (ValueError, IndexError, KeyError):  # too few topics or words for this view
            continue
        written[name] = write_text(out / f"{prefix}_{name}.html",
                                   fig.to_html(include_plotlyjs=True, full_html=True))
    return written
