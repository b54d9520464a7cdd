"""Groups of a unit attribute in reading order, shared by the tally (CLI crosstabs) and the report."""

import pandas as pd

from textmine.tally import UNKNOWN_GROUP, _groups, unit_order
from textmine.units import SIZE_CLASSES


def test_size_classes_small_to_large_unknown_last():
    labels = [label for _limit, label in SIZE_CLASSES]
    shuffled = [labels[3], UNKNOWN_GROUP, labels[0], labels[4], labels[1]]
    assert unit_order("size_class", shuffled) == [labels[0], labels[1], labels[3], labels[4], UNKNOWN_GROUP]
    assert unit_order("province", [UNKNOWN_GROUP, "West-Vlaanderen", "Antwerpen"]) == \
        ["Antwerpen", "West-Vlaanderen", UNKNOWN_GROUP]


def test_tally_groups_follow_the_size_classes():
    labels = [label for _limit, label in SIZE_CLASSES]
    respondents = pd.DataFrame({"respondent_id": ["1", "2", "3", "4"],
                                "size_class": [labels[4], None, labels[0], labels[2]]})
    order, series = _groups("size_class", None, respondents, pd.DataFrame())
    assert order == [labels[0], labels[2], labels[4], UNKNOWN_GROUP]
    assert series["2"] == UNKNOWN_GROUP
