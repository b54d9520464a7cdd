"""What every section of one survey wave needs, read from the store once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from ..errors import InputError
from ..store import Store, WaveInfo
from ..units import respondent_name


@dataclass
class WaveContext:
    """What a report reads of one wave (respondents, answers, names), read once and shared by its sections."""

    store: Store
    info: WaveInfo
    cache: dict[Any, Any] = field(default_factory=dict)
    # Shared by the wave contexts of one report (pass it on): what is read for the whole survey.
    shared: dict[Any, Any] = field(default_factory=dict)

    @property
    def survey(self) -> str:
        return self.info.survey

    @property
    def wave(self) -> str:
        return self.info.wave

    @cached_property
    def respondents(self) -> pd.DataFrame:
        return self.store.respondents(self.survey, self.wave)

    @cached_property
    def names(self) -> dict[str, str]:
        """Respondent id -> what the report calls it: the municipality, else the unit as typed."""
        return {str(r.respondent_id): respondent_name(r.municipality, r.unit, r.respondent_id)
                for r in self.respondents.itertuples()}

    @cached_property
    def answers(self) -> pd.DataFrame:
        return self.store.answers(self.survey, self.wave)

    def name(self, respondent_id: str) -> str:
        return self.names.get(str(respondent_id)) or respondent_name(None, None, respondent_id)


def wave_info(store: Store, survey: str, wave: str | None) -> WaveInfo:
    """The survey wave to report on: the given one, else the latest."""
    waves = store.waves(survey)
    if not waves:
        raise InputError(f"the project has no survey '{survey}'", file=store.dir)
    if wave is None:
        return max(waves, key=lambda w: w.wave)
    for w in waves:
        if w.wave == wave:
            return w
    raise InputError(f"survey '{survey}' has no wave '{wave}' (waves: {', '.join(w.wave for w in waves)})",
                     file=store.dir)


def previous_wave(store: Store, survey: str, wave: str) -> str | None:
    """The survey's latest wave before ``wave`` (None when there is none)."""
    earlier = [w.wave for w in store.waves(survey) if w.wave < wave]
    return max(earlier) if earlier else None
