"""Readable labels, distinct keywords and representative quotes for a topic (Dutch, redacted).

A label is made of the words respondents wrote, not lemmas. Candidates are
(1) the cleaning step's key phrases (noun phrases, stored as lemmas: "goed
praktijk"), found back in each answer's REDACTED text and shown in the
surface form the topic's answers use most ("goede praktijken"), and (2)
word sequences of up to five words that several answers share as written,
from content word to content word with only linking words between ("Week
van de Duurzame Gemeente", "lokale initiatieven in de kijker"). A candidate
must occur in at least two of the topic's answers. Phrases of several words
score higher, as do phrases holding the topic's keywords and, when the other
topics of the question are known (``topic_labels``), phrases found mostly in
this topic: so topics that share a subject get labels that tell them apart.
A second phrase is added when the first is a single word, or when another
topic got the same label. Words of the question itself (its id, label and
wording: "trots", "noden") and generic survey words (vraag, bijlage,
project, ...) never make a label on their own: every answer to the question
shares them.

Without a shared phrase: a word that at least half the answers use ("Nadenken"),
else, in quotes, the opening words of the topic's most representative answer
(central and typical, not a typo), cut at a word boundary: “De bevraging was
lang”, where the answers only repeat the question's words or say that they
have nothing to say. Only the first letter is
capitalised. Everything is matched in the redacted text with its
placeholders ("[NAAM]") cut out, so a name that the redaction removed cannot
come back through a label.

Keywords (``distinct_keywords``): the c-TF-IDF terms with each word once:
"overleg, regionaal overleg, regionaal" becomes "regionaal overleg" and
form variants ("vraag"/"vragen") count once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np

N_QUOTES = 5
MIN_QUOTE_WORDS = 3
MIN_ANSWERS = 2
N_KEYWORDS = 10
MAX_LABEL = 40          # characters: a label is read in a table column and on a chart axis
MAX_PHRASE_WORDS = 5
NO_LABEL = "(geen trefwoorden)"
# survey words that say nothing about an answer's subject
GENERIC_WORDS = frozenset({"vraag", "bijlage", "antwoord", "bevraging", "nood", "noden", "tip", "tips",
                           "trots", "initiatief", "project", "suggestie", "idee",
                           # quantity and filler nouns ("een paar", "drie keer", "het feit dat")
                           "paar", "keer", "feit", "aantal", "soort", "manier", "ding", "extra"})
# function words allowed between the content words of a phrase ("Week van de Duurzame Gemeente")
LINK_WORDS = frozenset({"van", "de", "het", "der", "den", "des", "voor", "en", "in", "op", "met", "tot",
                        "aan", "bij", "over", "rond", "zonder", "uit", "tegen", "naar", "'s"})
# words that never begin or end a label phrase though no stop list has them: questions, amounts
FILLER_WORDS = frozenset({"hoeveel", "welke", "waarom", "echt", "telkens", "miljoen", "miljard", "euro",
                          "dollar", "procent", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht",
                          "negen", "tien", "honderd", "duizend"})
# French function words (spaCy's French list costs seconds to import: its language package loads)
FRENCH_WORDS = frozenset("""le la les l un une des du de d au aux et ou en dans pour par sur avec sans sous
    chez vers entre ce cet cette ces son sa ses leur leurs notre nos votre vos mon ma mes qui que qu quoi
    dont où est sont été être avoir a ont fait font plus très pas ne n se s il ils elle elles nous vous
    je j tu on y ça ceci cela aussi comme mais donc car lors tout tous toute toutes même autre autres
    bien peu trop déjà encore ici là""".split())
_TOKEN = re.compile(r"[^\W_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?:;\n]")
_PLACEHOLDER = re.compile(r"\[[^\]\n]*\]")
_BREAK = re.compile(r"[^\w\s'’]")  # any punctuation between two words ends a phrase

Token = tuple[str, bool]  # (word as written, starts a sentence)


def same_word(word: str, lemma: str) -> bool:
    """Is ``word`` (as written, lower case) a form of ``lemma``? Equal, or sharing all but the
    last two letters of the shorter one (mondiale/mondiaal, praktijken/praktijk, nadenken/nadenk)."""
    if word == lemma:
        return True
    short = min(len(word), len(lemma))
    if short < 3 or word[:3] != lemma[:3] or abs(len(word) - len(lemma)) > (3 if short < 5 else 4):
        return False
    prefix = 0
    for a, b in zip(word, lemma):
        if a != b:
            break
        prefix += 1
    return prefix >= max(3, short - 2)


def excluded_words(question_text: str = "") -> set[str]:
    """The question's content words (id, label and wording) and the generic survey words."""
    from .vocabulary import stop_set

    stop = stop_set()
    words = {w.lower() for w in re.split(r"[^\w']+", question_text.replace("_", " ")) if w}
    return {w for w in words if len(w) > 2 and w not in stop} | set(GENERIC_WORDS)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """spaCy's Dutch and scikit-learn's English stop words, French function words (a few answers
    are in English or French) and filler words: never the first or last word of a phrase. (The
    domain stop words, "gemeente", "lokaal", may be: "Duurzame Gemeente".)"""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lang.nl.stop_words import STOP_WORDS

    return (frozenset(STOP_WORDS) | frozenset(ENGLISH_STOP_WORDS) | (FRENCH_WORDS - LINK_WORDS)
            | FILLER_WORDS)


_same_word = lru_cache(maxsize=1 << 18)(same_word)


@lru_cache(maxsize=1 << 18)
def _same(a: str, b: str) -> bool:
    """One word a form of the other, either way (cached: labels compare the same words often)."""
    return a == b or same_word(a, b) or same_word(b, a)


def _is_excluded(word: str, excluded: Iterable[str]) -> bool:
    return any(_same(word, e) for e in excluded)


def _overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    """Do two phrases share a word (or a form of it)?"""
    b = list(b)
    return any(_same(x, y) for x in a for y in b)


def _clauses(text: str) -> list[list[Token]]:
    """The words of ``text`` in runs without punctuation; placeholders ("[NAAM]") cut out."""
    text = _PLACEHOLDER.sub(" | ", text)
    out: list[list[Token]] = []
    end = 0
    for m in _TOKEN.finditer(text):
        gap = text[end:m.start()]
        if not out or _BREAK.search(gap) or "\n" in gap:
            out.append([])
        out[-1].append((m.group(), end == 0 or bool(_SENTENCE_END.search(gap))))
        end = m.end()
    return out


def _find(lemmas: Sequence[str], clauses: list[list[Token]]) -> Token | None:
    """The surface form of the lemma phrase in ``clauses`` (and whether it starts a sentence);
    an exact spelling first, then word forms (``same_word``)."""
    m = len(lemmas)
    lowered = [[t.lower() for t, _ in tokens] for tokens in clauses]
    for match in (str.__eq__, _same_word):
        for tokens, low in zip(clauses, lowered):
            for i in range(len(tokens) - m + 1):
                if low[i][:3] == lemmas[0][:3] and all(match(low[i + j], lemmas[j]) for j in range(m)):
                    return " ".join(t for t, _ in tokens[i:i + m]), tokens[i][1]
    return None


def _trim(words: tuple[str, ...], stop: set[str]) -> tuple[str, ...]:
    """Without stop words at either end ("uitwerking van een" -> "uitwerking")."""
    i, j = 0, len(words)
    while i < j and words[i] in stop:
        i += 1
    while j > i and words[j - 1] in stop:
        j -= 1
    return words[i:j]


class _Forms:
    """Surface forms seen for one candidate; the display form prefers mid-sentence spellings."""

    def __init__(self) -> None:
        self.mid: Counter[str] = Counter()
        self.start: Counter[str] = Counter()

    def add(self, form: str, at_start: bool) -> None:
        if at_start and not form[:2].isupper():  # "Goede praktijken" at a sentence start: goede
            self.start[form[:1].lower() + form[1:]] += 1
        else:
            self.mid[form] += 1

    def best(self) -> str:
        forms = self.mid or self.start
        return sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


class _Candidates:
    """Label candidates of one topic: the answers holding each, and how they write it."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, ...], set[int]] = defaultdict(set)
        self.forms: dict[tuple[str, ...], _Forms] = defaultdict(_Forms)
        self.words: dict[tuple[str, ...], tuple[str, ...]] = {}  # lower-case words compared

    def add(self, key: tuple[str, ...], words: tuple[str, ...], answer: int, found: Token) -> None:
        self.answers[key].add(answer)
        self.forms[key].add(*found)
        self.words[key] = words


def _candidates(members: Sequence[dict[str, Any]], clauses: list[list[list[Token]]],
                excluded: set[str], stop: set[str]) -> _Candidates:
    func = function_words()
    domain = stop - func  # "gemeente", "stad": may end a name ("Week van de Duurzame Gemeente")
    cands = _Candidates()
    out_words: dict[str, bool] = {}

    def out(w: str) -> bool:
        if w not in out_words:
            out_words[w] = _is_excluded(w, excluded)
        return out_words[w]

    for i, (a, cl) in enumerate(zip(members, clauses)):
        heads: set[str] = set()  # the answer's key phrases' last words: each part must end in one

        def head(w: str) -> bool:
            return w in domain or w in heads or any(_same(w, h) for h in heads)

        for p in dict.fromkeys(str(p).strip().lower() for p in a.get("key_phrases") or ()):
            heads.update(p.split()[-1:])
            words = _trim(tuple(p.split()), stop)
            if (not words or len(p) < 3 or all(w in stop or w in func for w in words)
                    or any(out(w) for w in words)):
                continue
            found = _find(words, cl)
            if found is not None and len(found[0]) <= MAX_LABEL:  # else not in the redacted text: never shown
                cands.add(("kp", *words), words, i, found)
        for tokens in cl:  # word sequences as written: content word ... content word
            low = [t.lower() for t, _ in tokens]
            for s in range(len(tokens)):
                if low[s] in func or low[s] in LINK_WORDS or low[s].isdigit():
                    continue
                for e in range(s + 1, min(len(tokens), s + MAX_PHRASE_WORDS)):
                    if (low[e] in func and low[e] not in LINK_WORDS) or low[e].isdigit():
                        break
                    if low[e] in func:
                        continue
                    words = tuple(low[s:e + 1])
                    content = [w for w in words if w not in stop]
                    if (len([w for w in words if w not in func]) < 2 or not content
                            or len(set(content)) < len(content)
                            or not all(head(part[-1]) for part in _parts(words))
                            or all(out(w) for w in content)):
                        continue  # "koppelden aan de SDG's", "humanitaire hulp zodat": no name
                    form = " ".join(t for t, _ in tokens[s:e + 1])
                    if len(form) <= MAX_LABEL:
                        cands.add(("ng", *words), words, i, (form, tokens[s][1]))
    return cands


def _parts(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The runs of a phrase between its linking words ("week", "duurzame gemeente")."""
    out: list[list[str]] = [[]]
    for w in words:
        if w in LINK_WORDS:
            out.append([])
        else:
            out[-1].append(w)
    return [tuple(p) for p in out if p]


def _longest(key: tuple[str, ...], cands: _Candidates, keep: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """``key`` or the longest phrase around it that nearly as many answers share ("Week van de
    Duurzame" -> "Week van de Duurzame Gemeente" when a typo or two spell the last word apart)."""
    words, df = cands.words[key], len(cands.answers[key])

    def contains(big: tuple[str, ...]) -> bool:
        m = len(words)
        return any(big[i:i + m] == words for i in range(len(big) - m + 1))

    longer = [k for k in keep if len(cands.words[k]) > len(words) and contains(cands.words[k])
              and len(cands.answers[k]) >= 0.75 * df]
    return sorted(longer, key=lambda k: (-len(cands.words[k]), -len(cands.answers[k]),
                                         cands.forms[k].best()))[0] if longer else key


def _keyword_weights(keywords: Sequence[str]) -> dict[str, float]:
    rank: dict[str, float] = {}
    for i, k in enumerate(keywords[:N_KEYWORDS]):
        for w in k.split():
            rank.setdefault(w, 1.0 / (1 + i))
    return rank


def _ranked(cands: _Candidates, keywords: Sequence[str], stop: set[str], n: int,
            background: dict[tuple[str, ...], int] | None) -> list[tuple[str, ...]]:
    """Candidates in at least two answers, best first; ties broken by text, never by position."""
    kw = _keyword_weights(keywords)

    def hit(w: str) -> float:
        return max((r for k, r in kw.items() if _same(w, k)), default=0.0)

    def score(key: tuple[str, ...]) -> float:
        df = len(cands.answers[key])
        content = [w for w in cands.words[key] if w not in stop]
        length = 1.5 if len(content) >= 2 else 1.0
        # found mostly in this topic: tells it apart from the question's other topics
        spec = (df / background[key]) ** 0.5 if background and background.get(key) else 1.0
        return df * spec * (1.0 + 2.0 * sum(hit(w) for w in content)) * length

    need = min(MIN_ANSWERS, n)
    keep = [k for k in cands.answers if len(cands.answers[k]) >= need]
    scores = {k: round(score(k), 9) for k in keep}
    ranked = sorted(keep, key=lambda k: (-scores[k], -len(cands.words[k]), cands.forms[k].best(), k))
    return list(dict.fromkeys(_longest(k, cands, keep) for k in ranked))


def _second(first: tuple[str, ...], ranked: list[tuple[str, ...]], cands: _Candidates, stop: set[str],
            room: int) -> tuple[str, ...] | None:
    """The best next candidate naming something else that fits in ``room`` characters."""
    own = [w for w in cands.words[first] if w not in stop]
    for k in ranked:
        if (k != first and not _overlap([w for w in cands.words[k] if w not in stop], own)
                and len(cands.forms[k].best()) <= room):
            return k
    return None


def _common_word(clauses: list[list[list[Token]]], keywords: Sequence[str], excluded: set[str],
                 stop: set[str]) -> str | None:
    """A word (as written) at least half the answers use, at least two; keywords first."""
    n = len(clauses)
    df: Counter[str] = Counter()
    forms: dict[str, _Forms] = defaultdict(_Forms)
    for cl in clauses:
        seen = set()
        for t, start in (t for c in cl for t in c):
            w = t.lower()
            if len(w) < 3 or w in stop or w.isdigit() or _is_excluded(w, excluded):
                continue
            forms[w].add(t, start)
            seen.add(w)
        df.update(seen)
    kw = _keyword_weights(keywords)
    need = max(MIN_ANSWERS, (n + 1) // 2)
    best = sorted((w for w, c in df.items() if c >= need),
                  key=lambda w: (-df[w] * (1.0 + 2.0 * max((r for k, r in kw.items() if same_word(w, k)),
                                                           default=0.0)), w))
    return forms[best[0]].best() if best else None


def _representative(members: Sequence[dict[str, Any]], clauses: list[list[list[Token]]],
                    similarities: Sequence[float] | None) -> str:
    """The opening words of the most representative answer: of the three closest to the topic's
    centre, the one whose words the other answers use most (a typo is not typical); cut to fit."""
    texts = [" ".join(str(a.get("redacted_text") or "").split()) for a in members]
    words = [{t.lower() for c in cl for t, _ in c} for cl in clauses]
    df = Counter(w for ws in words for w in ws)
    sims = [round(float(s), 6) for s in similarities] if similarities is not None else [0.0] * len(texts)
    order = sorted((i for i in range(len(texts)) if words[i]), key=lambda i: (-sims[i], texts[i]))
    clean = [i for i in order if not _PLACEHOLDER.search(texts[i])]
    pool = (clean or order)[:3] if similarities is not None else (clean or order)
    if not pool:
        return ""

    def typical(i: int) -> float:
        return round(sum(df[w] - 1 for w in words[i]) / len(words[i]), 6)

    best = sorted(pool, key=lambda i: (-typical(i), -sims[i], texts[i]))[0]
    return _cut(texts[best], MAX_LABEL - 2)


def _cut(text: str, limit: int = MAX_LABEL) -> str:
    """The first sentence of ``text``, at most ``limit`` characters, cut between words (…)."""
    first = re.split(r"(?<=[.!?])\s+|\n", text.strip())[0].strip()
    first = first.rstrip(".!?,;: ")
    if len(first) <= limit:
        return first
    out = ""
    for w in first.split():
        if len(out) + len(w) + (1 if out else 0) > limit - 1:
            break
        out = f"{out} {w}" if out else w
    return (out.rstrip(",;:-–") or first[:limit - 1]) + "…"


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def topic_labels(groups: Sequence[Sequence[dict[str, Any]]], keywords: Sequence[Sequence[str]], *,
                 exclude: str = "", similarities: Sequence[Sequence[float] | None] | None = None,
                 max_phrases: int = 2) -> list[str]:
    """A short Dutch label for each topic of one question (``groups``: the answers of each topic).

    ``keywords``: each topic's keywords (lemmas, best first); ``exclude``: the question's id,
    label and wording (their words never make a label); ``similarities``: each answer's cosine to
    its topic's centre (finds the most representative answer). Phrases found mostly in one topic
    score higher there, and topics that would get the same label get a second phrase."""
    from .vocabulary import stop_set

    stop = stop_set()
    excluded = excluded_words(exclude)
    clauses = [[_clauses(str(a.get("redacted_text") or "")) for a in g] for g in groups]
    cands = [_candidates(g, cl, excluded, stop) for g, cl in zip(groups, clauses)]
    background: Counter[tuple[str, ...]] = Counter()
    for c in cands:
        background.update({k: len(v) for k, v in c.answers.items()})
    bg = background if len(groups) > 1 else None
    ranked = [_ranked(c, kw, stop, len(g), bg) for c, kw, g in zip(cands, keywords, groups)]
    chosen: list[list[tuple[str, ...]]] = []
    for c, r in zip(cands, ranked):
        picks = r[:1]
        if picks and max_phrases > 1 and len([w for w in c.words[picks[0]] if w not in stop]) < 2:
            # a single word says little: add what else the answers name ("Fairtrade · wereldwinkel")
            nxt = _second(picks[0], r, c, stop, MAX_LABEL - 3 - len(c.forms[picks[0]].best()))
            picks += [nxt] if nxt else []
        chosen.append(picks)

    def text(t: int) -> str:
        return " · ".join(cands[t].forms[k].best() for k in chosen[t])

    same: dict[str, list[int]] = defaultdict(list)
    for t in range(len(groups)):
        if chosen[t]:
            same[text(t).lower()].append(t)
    for ts in same.values():  # the same label twice: each says what else its answers name
        for t in ts if len(ts) > 1 else ():
            if len(chosen[t]) < max_phrases:
                nxt = _second(chosen[t][0], ranked[t], cands[t], stop, MAX_LABEL - 3 - len(text(t)))
                chosen[t] += [nxt] if nxt else []
    labels = []
    for t, g in enumerate(groups):
        label = text(t) if chosen[t] else _common_word(clauses[t], keywords[t], excluded, stop)
        if label:
            labels.append(_capital(label))
            continue
        # in quotes: the words of one answer (they may be the question's own), not a subject's name
        quote = _representative(g, clauses[t], similarities[t] if similarities is not None else None)
        labels.append(f"“{_capital(quote)}”" if quote else NO_LABEL)
    return labels


def topic_label(members: Sequence[dict[str, Any]], keywords: Sequence[str], max_phrases: int = 2,
                exclude: str = "", similarities: Sequence[float] | None = None) -> str:
    """The label of one topic on its own (``topic_labels`` for all topics of a question)."""
    return topic_labels([members], [keywords], exclude=exclude, similarities=[similarities],
                        max_phrases=max_phrases)[0]


# --- keywords ----------------------------------------------------------------------------

def ranked_terms(model: Any, topic: int, n: int = 60) -> list[str]:
    """The topic's ``n`` best c-TF-IDF terms (lemmas, BERTopic's scores), ties by the term.
    Empty when the model has no c-TF-IDF matrix (then the fit's own keywords are used)."""
    try:
        labels = sorted(model.topic_representations_)
        row = model.c_tf_idf_[labels.index(topic)].toarray().ravel()
        words = model.vectorizer_model.get_feature_names_out()
    except (AttributeError, ValueError, IndexError, TypeError):
        return []
    idx = np.flatnonzero(row > 0)
    return [str(words[i]) for i in sorted(idx, key=lambda i: (-round(float(row[i]), 9), str(words[i])))[:n]]


def distinct_keywords(terms: Sequence[str], members: Sequence[dict[str, Any]] | None = None,
                      n: int = N_KEYWORDS) -> list[str]:
    """The first ``n`` of ``terms`` (best first) with every word once.

    A term sharing a word (or a form of it: vraag/vragen) with one already kept is left out,
    except that a two-word phrase takes the place of the one word it extends ("overleg" ->
    "regionaal overleg"). With ``members``: a multi-word term counts only when it is (part of)
    some answer's key phrase ("regionaal overleg", not "bestuursakkoord niemand": two lemmas
    that merely follow each other), and words that stand only for a redacted placeholder
    ("[NAAM]" -> "naam") are left out; words of one answer only (a typo, a name the redaction
    missed) come after the words several answers use."""
    phrases: set[tuple[str, ...]] = set()
    placeholder: set[str] = set()
    answers_with: Counter[str] = Counter()
    if members is not None:
        plain: set[str] = set()
        for a in members:
            answers_with.update({str(lem).lower() for lem in a.get("lemmas") or ()})
            for p in a.get("key_phrases") or ():
                w = str(p).lower().split()
                phrases.update(tuple(w[i:j]) for i in range(len(w)) for j in range(i + 2, len(w) + 1))
            for lem in a.get("lemmas") or ():
                lem = str(lem).lower()
                if lem.startswith("[") and lem.endswith("]"):
                    placeholder.update(re.findall(r"[^\W\d_][\w-]*", lem))
                else:
                    plain.add(lem)
        placeholder -= plain
    usable: list[tuple[str, ...]] = []
    rare: list[tuple[str, ...]] = []
    for term in terms:
        words = tuple(dict.fromkeys(str(term).lower().split()))  # "station station": one word
        if not words or any(w in placeholder for w in words):
            continue
        if members is not None and len(words) > 1 and words not in phrases:
            continue
        if members is not None and len(members) > 1 and min(answers_with[w] for w in words) < MIN_ANSWERS:
            rare.append(words)
        else:
            usable.append(words)
    out: list[tuple[str, ...]] = []
    for words in usable + rare:  # words of one answer only fill the list last
        if len(out) >= n:
            break
        hit = [j for j, kept in enumerate(out) if _overlap(words, kept)]
        if not hit:
            out.append(words)
        elif (len(words) > 1 and len(hit) == 1 and len(out[hit[0]]) == 1
              and not any(_overlap(words, kept) for j, kept in enumerate(out) if j != hit[0])):
            out[hit[0]] = words
    return [" ".join(w) for w in out]


def label_topics(fit: Any, question_text: str = "") -> tuple[list[str], list[list[str]]]:
    """Labels and distinct keywords of every topic of a ``TopicFit`` (``cluster_dicts`` uses them)."""
    groups, keywords, sims = [], [], []
    for t in range(fit.n_topics):
        idx = np.flatnonzero(fit.topics == t)
        members = [fit.answers[i] for i in idx]
        groups.append(members)
        keywords.append(distinct_keywords(ranked_terms(fit.model, t) or fit.keywords.get(t, []), members))
        sims.append((fit.embeddings[idx] @ fit.centroids[t]).tolist())
    return topic_labels(groups, keywords, exclude=question_text, similarities=sims), keywords


def pick_quotes(members: Sequence[dict[str, Any]], vectors: np.ndarray, centroid: np.ndarray,
                n: int = N_QUOTES, substantive: Sequence[bool] | None = None) -> list[str]:
    """The redacted answers closest to the topic's centre, distinct, preferring real sentences;
    ``substantive`` (per member, ``novelty.says_something``): answers that name nothing ("de
    vraag is wat vaag voor mij") come last, so they are quoted only when nothing else is left."""
    if not len(members):
        return []
    sims = vectors @ centroid
    order = sorted(range(len(members)), key=lambda i: (-round(float(sims[i]), 6),
                                                        str(members[i].get("redacted_text"))))
    says = (lambda i: True) if substantive is None else (lambda i: bool(substantive[i]))
    is_long = [len(str(m.get("redacted_text") or "").split()) >= MIN_QUOTE_WORDS for m in members]
    ranked = sorted(order, key=lambda i: (not says(i), not is_long[i]))  # stable: closest first within
    out: list[str] = []
    for i in ranked:
        text = " ".join(str(members[i].get("redacted_text") or "").split())
        if text and text not in out:
            out.append(text)
        if len(out) >= n:
            break
    return out
