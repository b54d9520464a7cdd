"""The normaliser: Unicode, white space, quotes, dashes, emoji."""
from __future__ import annotations

from textmine.nlp.normalize import normalize_text


def test_quotes_dashes_spaces_and_zero_width() -> None:
    raw = "Wij zijn \u201ctrots\u201d op de fair\u2013trade\u00a0week \u2014 echt!\u200b"
    assert normalize_text(raw).text == 'Wij zijn "trots" op de fair-trade week - echt!'


def test_nfkc_folds_compatibility_characters() -> None:
    assert normalize_text("de \ufb01ets en \uff33\uff24\uff27 \u2026").text == "de fiets en SDG ..."
    assert normalize_text("m\u00b2 en \u00bd").text == "m2 en 1/2"


def test_curly_apostrophe_in_plural() -> None:
    assert normalize_text("de SDG\u2019s").text == "de SDG's"


def test_line_breaks_and_runs_of_space() -> None:
    raw = "  eerste lijn  \r\n\r\n\r\n\u2022 punt\t twee  \u2028derde "
    assert normalize_text(raw).text == "eerste lijn\n- punt twee\nderde"


def test_emoji_are_removed_and_kept_aside() -> None:
    norm = normalize_text("Top\U0001F44Ddank \U0001F1E7\U0001F1EA en \u2764\ufe0f \U0001F44D\U0001F3FD")
    assert norm.text == "Top dank en"
    assert norm.emoji == ["\U0001F44D", "\U0001F1E7\U0001F1EA", "\u2764\ufe0f", "\U0001F44D\U0001F3FD"]


def test_empty_and_none() -> None:
    assert normalize_text(None).text == ""
    assert normalize_text(" \u200b \u00a0").text == ""


def test_emoji_never_become_tokens_or_lemmas(nlp) -> None:
    doc = nlp("Fijne actie \U0001F389\U0001F30D met de scholen \U0001F44D")
    assert doc._.raw_text.endswith("\U0001F44D")
    assert doc._.emoji == ["\U0001F389", "\U0001F30D", "\U0001F44D"]
    assert all(not any(ord(ch) > 0x2000 for ch in t.text) for t in doc)
    assert all(not any(ord(ch) > 0x2000 for ch in lemma) for lemma in doc._.lemmas)


def test_long_runs_without_spaces_keep_the_text(nlp) -> None:
    """Runs longer than LONG_CHUNK skip spaCy's (quadratic) tokenizer; the Doc's text is unchanged
    and the rest of the answer is tokenised as usual."""
    from textmine.nlp.normalize import LONG_CHUNK

    run = "(" * (LONG_CHUNK * 3) + "jan@gent.be" + "a" * 100
    text = f"Wij werken met Oxfam in Gent: {run} en daarna\nmet Peeters Jan."
    doc = nlp(text)
    assert doc.text == text
    assert all(len(t.text) <= 32 for t in doc)
    assert [e.text for e in doc.ents] == ["Oxfam", "Gent"]
    assert doc._.redacted_text.endswith("en daarna\nmet [NAAM].")
    assert "jan@gent.be" not in doc._.redacted_text and "[E-MAIL]" in doc._.redacted_text


def test_offsets_map_back_to_the_original_text() -> None:
    from textmine.nlp.normalize import original_offsets

    original = "  e\u0301cole \u201cGent\u201d\u00a0en ﬁnanciën…\r\n\U0001F44D Oxfam\u200b!  "
    normalized = normalize_text(original).text
    to_original = original_offsets(original, normalized)
    for word, written in (("école", "e\u0301cole"), ("Gent", "Gent"), ("financiën", "ﬁnanciën"),
                          ("...", "…"), ("Oxfam", "Oxfam")):
        start = normalized.index(word)
        s, e = to_original(start, start + len(word))
        assert original[s:e] == written, word
