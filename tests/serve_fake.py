"""An in-memory stand-in for the Project methods the workbench calls (the web layer's tests:
security, escaping, the API's shapes), so they run in milliseconds without models."""

from __future__ import annotations

from typing import Any

import pandas as pd

from textmine import InputError

THEMES = [("zorg", "Zorg & welzijn", ["zorg"]), ("klimaat", "Klimaat <b>&</b> energie", ["zon", "klimaat"]),
          ("onderwijs", "Onderwijs", ["school"])]


class FakeProject:
    def __init__(self, texts: list[str], survey: str = "lmb", question: str = "trots") -> None:
        self.survey, self.question = survey, question
        self.texts = {f"{survey}:2025:{question}:r{i}": t for i, t in enumerate(texts)}
        self.codes: dict[str, dict[str, Any]] = {}
        self.history: list[dict[str, Any]] = []
        self.retrained = 0
        self.held: dict[str, str] = {}  # answer key -> the coder it was given to
        self.coded = True  # False: a question the machine has not coded yet (no scores)

    def parse_key(self, key: str) -> tuple[str, str, str, str]:
        parts = key.split(":")
        if len(parts) != 4 or key not in self.texts:
            raise InputError(f"no answer with key '{key}' in the project")
        return parts[0], parts[1], parts[2], parts[3]

    def progress(self) -> pd.DataFrame:
        return pd.DataFrame([{"survey": self.survey, "question": self.question, "label": "Waar bent u <i>trots</i> op?",
                              "answers": len(self.texts), "human": len(self.codes),
                              "machine": len(self.texts) - len(self.codes), "to_review": len(self.texts) - len(self.codes),
                              "audit_done": 0, "audit_size": 3}])

    def questions(self, survey: str | None = None) -> pd.DataFrame:
        return pd.DataFrame([{"survey": self.survey, "question": self.question, "type": "open",
                              "label": "Waar bent u <i>trots</i> op?"}])

    def waves(self) -> pd.DataFrame:
        return pd.DataFrame([{"survey": self.survey, "wave": "2025", "respondents": len(self.texts)}])

    def answer(self, key: str, *, coder: str | None = None) -> dict[str, Any]:
        self.parse_key(key)
        text = self.texts[key]
        rid = key.split(":")[3]
        code = self.codes.get(key)
        return {"key": key, "survey": self.survey, "question": self.question, "respondent_id": rid, "wave": "2025",
                "text": text, "municipality": "Den <Haag>", "province": "Zuid-Holland",
                "suggestions": [{"theme": t, "label": label, "score": None if not self.coded else 0.8 if any(k in text.lower() for k in kws) else 0.1,
                                 "applies": any(k in text.lower() for k in kws), "keywords": [k for k in kws if k in text.lower()]}
                                for t, label, kws in THEMES],
                "remaining": len(self.texts) - len(self.codes),
                "human": code["themes"] if code else None, "coder": code["coder"] if code else None}

    def next_answer(self, question: str, survey: str | None = None, *, order: str = "uncertain",
                    coder: str | None = None, skip: tuple[str, ...] = ()) -> dict[str, Any] | None:
        if question != self.question or survey not in (None, self.survey):
            raise InputError(f"no open question '{question}' in the project")
        held = {k for k, who in self.held.items() if who != coder}  # as Project: on another coder's screen
        for key in self.texts:
            if key not in self.codes and key not in skip and key not in held:
                if coder is not None:
                    self.held[key] = coder
                out = self.answer(key)
                del out["human"], out["coder"]
                return out
        return None

    def save_answer_codes(self, key: str, themes: list[str], coder: str, *, audit: bool = False,
                          shown: dict[str, Any] | None = None) -> dict[str, Any]:
        self.parse_key(key)
        code = self.codes.get(key)
        if shown is not None and ((code["themes"], code["coder"]) if code else (None, None)) != (
                shown.get("themes"), shown.get("coder")):
            raise InputError(f"answer '{key}' was coded since the page showed it")
        known = {t for t, _l, _k in THEMES} | {"overig", "non_answer"}
        bad = [t for t in themes if t not in known]
        if bad:
            raise InputError(f"unknown theme '{bad[0]}' for {self.survey} '{self.question}'")
        self.codes[key] = {"themes": list(themes), "coder": coder, "audit": audit}
        self.history.append({"key": key, "themes": list(themes), "coder": coder})
        return {"key": key, "themes": list(themes), "coder": coder, "source": "human"}

    def recent_codes(self, question: str, coder: str, survey: str | None = None, limit: int = 20) -> list[dict]:
        mine = [h for h in reversed(self.history) if h["coder"] == coder]
        seen, out = set(), []
        for h in mine:
            if h["key"] not in seen:
                seen.add(h["key"])
                out.append({**h, "respondent_id": h["key"].split(":")[3]})
        return out[:limit]

    def trust(self, question: str, survey: str | None = None) -> pd.DataFrame:
        nan = float("nan")
        rows = [{"theme": t, "label": dict((i, l) for i, l, _k in THEMES).get(t, "Alle thema’s"), "audit_answers": 0, "audit_positives": 0, "machine_positives": 0,
                 "precision": nan, "precision_low": nan, "precision_high": nan, "recall": nan,
                 "recall_low": nan, "recall_high": nan, "alpha_audit": nan, "alpha_machine_human": nan,
                 "answers_machine_human": 0, "alpha_coders": nan, "answers_coders": 0}
                for t in [*(t[0] for t in THEMES), "*"]]
        frame = pd.DataFrame(rows)
        frame.attrs.update(survey=self.survey, question=question, coders=[], audit_size=3)
        return frame

    def retrain(self, question: str, survey: str | None = None) -> dict[str, Any]:
        self.retrained += 1
        self.coded = True
        return {"answers": len(self.texts)}
