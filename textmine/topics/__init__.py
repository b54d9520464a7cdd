"""Topic discovery with BERTopic: clusters in the answers, and which of them the codebook misses.

    from textmine.topics import discover_topics, find_topics, topic_changes, TopicSettings
    result = discover_topics(store, "trots")          # one model over all waves, saved as a run
    store.topic_clusters("lmb", "trots")              # the latest run's cluster dicts
    topic_changes(result.clusters, "2022", "2025")    # {"appeared": [...], "vanished": [...]}

Modules: ``features`` (what the reducer sees), ``model`` (BERTopic with swappable stages), ``cluster`` (deterministic
fit, outliers, numbering), ``labels`` (labels and quotes), ``novelty``
(coverage by the codebook), ``reduce`` (fewer topics: merging), ``changes`` (waves), ``views`` (offline HTML),
``run`` (the project run and promotion into the codebook).
"""
from .changes import topic_changes, wave_shares
from .cluster import TopicFit, fit_topics
from .features import FEATURES
from .model import CLUSTERERS, REDUCERS, TopicSettings
from .novelty import EvidenceRule, NoveltyRule
from .reduce import MERGERS, merge_by_centroid
from .sizes import target_topics
from .run import TopicResult, discover_topics, find_topics, promote_topic

__all__ = ["CLUSTERERS", "EvidenceRule", "FEATURES", "MERGERS", "NoveltyRule", "REDUCERS", "TopicFit",
           "TopicResult", "TopicSettings", "discover_topics", "find_topics", "fit_topics", "merge_by_centroid",
           "promote_topic", "target_topics", "topic_changes", "wave_shares"]
