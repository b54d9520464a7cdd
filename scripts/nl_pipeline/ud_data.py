"""Deterministic data preparation for the textmine Dutch pipeline.

Reads the UD Dutch CoNLL-U files, converts the old UD v1.4 LassySmall train
file to the UD v2 scheme used by the v2.16 dev/test files, removes sentences of
the old train file that also occur in the v2.16 dev or test files, and strips
the ``_`` compound / separable-verb marks from lemmas.

Everything here is rule based and deterministic (no randomness, stable order).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------
# Reading / writing CoNLL-U
# --------------------------------------------------------------------------


@dataclass
class Token:
    id: int
    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int
    deprel: str
    misc: str

    @property
    def space_after(self) -> bool:
        return "SpaceAfter=No" not in self.misc.split("|")


@dataclass
class Sentence:
    tokens: list[Token]
    sent_id: str = ""
    text: str = ""
    source: str = ""  # file label
    comments: list[str] = field(default_factory=list)

    def words(self) -> list[str]:
        return [t.form for t in self.tokens]


def read_conllu(path: Path, source: str) -> list[Sentence]:
    """Read a CoNLL-U file. Multiword-token ranges and empty nodes are skipped
    (Dutch UD has no real multiword tokens, only enhanced empty nodes)."""
    sents: list[Sentence] = []
    toks: list[Token] = []
    comments: list[str] = []
    with open(path, encoding="utf8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if toks:
                    sents.append(_make_sentence(toks, comments, source))
                toks, comments = [], []
                continue
            if line.startswith("#"):
                comments.append(line)
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            toks.append(
                Token(int(cols[0]), cols[1], cols[2], cols[3], cols[4], cols[5],
                      int(cols[6]), cols[7], cols[9])
            )
    if toks:
        sents.append(_make_sentence(toks, comments, source))
    return sents


def _make_sentence(toks: list[Token], comments: list[str], source: str) -> Sentence:
    sent_id = text = ""
    for c in comments:
        if c.startswith("# sent_id = "):
            sent_id = c[len("# sent_id = "):]
        elif c.startswith("# text = "):
            text = c[len("# text = "):]
    if not sent_id and comments:  # v1.4 file: "# wiki-659.p.13.s.1.xml"
        sent_id = comments[0][2:].strip()
    return Sentence(toks, sent_id, text, source, comments)


def norm_text(words: list[str]) -> str:
    """Normalised sentence text for deduplication: NFC, lower case, all
    whitespace removed (the v1.4 file has no text and no SpaceAfter info)."""
    s = unicodedata.normalize("NFC", "".join(words)).lower()
    return re.sub(r"\s+", "", s)


# --------------------------------------------------------------------------
# Lemma clean-up
# --------------------------------------------------------------------------


def clean_lemma(lemma: str, form: str) -> str:
    """Strip UD Dutch compound / separable-verb marks: basis_niveau ->
    basisniveau, aan_sporen -> aansporen. A lemma that is only underscores
    (the token "_" itself) is kept."""
    if "_" in lemma and lemma.strip("_"):
        lemma = lemma.replace("_", "")
    if not lemma:
        lemma = form
    return lemma


# --------------------------------------------------------------------------
# UD v1.4 -> v2 conversion (LassySmall r1.4 train file)
# --------------------------------------------------------------------------

# Verbs that v1.4 tags AUX/aux (or cop) but that UD v2.16 Dutch treats as
# full verbs with an xcomp complement.
V2_AUX_LEMMAS = {"zijn", "hebben", "worden", "kunnen", "zullen", "moeten", "mogen", "krijgen"}
V2_COP_LEMMAS = {"zijn"}
POSSESSIVES = {
    "mijn": "Person=1|Poss=Yes|PronType=Prs",
    "m'n": "Person=1|Poss=Yes|PronType=Prs",
    "ons": "Person=1|Poss=Yes|PronType=Prs",
    "onze": "Person=1|Poss=Yes|PronType=Prs",
    "jouw": "Person=2|Poss=Yes|PronType=Prs",
    "je": "Person=2|Poss=Yes|PronType=Prs",
    "uw": "Person=2|Poss=Yes|PronType=Prs",
    "jullie": "Person=2|Poss=Yes|PronType=Prs",
    "zijn": "Person=3|Poss=Yes|PronType=Prs",
    "z'n": "Person=3|Poss=Yes|PronType=Prs",
    "haar": "Person=3|Poss=Yes|PronType=Prs",
    "hun": "Person=3|Poss=Yes|PronType=Prs",
    "d'r": "Person=3|Poss=Yes|PronType=Prs",
}
REFLEXIVES = {"zich", "zichzelf", "me", "mij", "je", "ons", "u"}
SIMPLE_DEPREL = {
    "dobj": "obj",
    "nsubjpass": "nsubj:pass",
    "csubjpass": "csubj:pass",
    "auxpass": "aux:pass",
    "name": "flat",
    "neg": "advmod",
    "compound": "compound:prt",
    "foreign": "flat:foreign",
    "remnant": "orphan",
}
# dependents of a predicate that belong to the clause (move to the new verbal
# head when a v1.4 copula / auxiliary becomes the head in v2)
CLAUSAL = {"nsubj", "nsubj:pass", "csubj", "aux", "aux:pass", "mark", "advmod", "obl",
           "obl:agent", "advcl", "parataxis", "punct", "cc", "conj", "expl", "expl:pv",
           "ccomp", "xcomp", "iobj", "obj", "discourse", "vocative", "dislocated", "nmod"}
# after an inversion the old nominal predicate keeps only its nominal dependents
PRED_KEEP = {"det", "amod", "nmod:poss", "nummod", "case", "flat", "fixed", "compound:prt",
             "appos", "acl", "acl:relcl", "nmod"}
PUNCT_POS = {"PUNCT"}
PAIRED = {"(": ")", "[": "]", "{": "}", "«": "»", "„": "”", "“": "”", "‘": "’", ",,": "''"}


class Tree:
    """Small mutable view of one sentence for restructuring."""

    def __init__(self, sent: Sentence):
        self.sent = sent
        self.t = sent.tokens  # index i -> token with id i+1

    def tok(self, i: int) -> Token:
        return self.t[i - 1]

    def children(self, i: int) -> list[Token]:
        return [t for t in self.t if t.head == i]

    def subtree_span(self, i: int) -> tuple[int, int]:
        lo = hi = i
        stack = [i]
        while stack:
            j = stack.pop()
            for c in self.children(j):
                lo, hi = min(lo, c.id), max(hi, c.id)
                stack.append(c.id)
        return lo, hi

    def is_descendant(self, i: int, anc: int) -> bool:
        seen = set()
        while i != 0 and i not in seen:
            seen.add(i)
            i = self.tok(i).head
            if i == anc:
                return True
        return False


def _promote(tr: Tree, new: Token, old: Token, new_rel_of_old: str, move: set[str]) -> None:
    """Make `new` (a dependent of `old`) the head: it takes old's head and
    relation, old becomes its `new_rel_of_old` dependent, and old's dependents
    with a relation in `move` are moved to `new`."""
    new.head, new.deprel = old.head, old.deprel
    old.head, old.deprel = new.id, new_rel_of_old
    for c in tr.children(old.id):
        if c.id == new.id:
            continue
        if c.deprel in move:
            # a conjunct that is nominal belongs to the predicate coordination
            if c.deprel == "conj" and c.upos not in {"VERB", "AUX"} and not any(
                g.deprel in {"nsubj", "nsubj:pass", "cop"} for g in tr.children(c.id)
            ):
                continue
            # cc / conj punctuation are fixed later
            c.head = new.id


def convert_v14(sent: Sentence, feats_lookup: dict[tuple[str, str], str]) -> Sentence:
    tr = Tree(sent)
    toks = sent.tokens
    # ---- 1. POS -----------------------------------------------------------
    for t in toks:
        if t.upos == "CONJ":
            t.upos = "CCONJ"
        elif t.upos == "PART":
            t.upos = "SCONJ" if t.lemma.lower() == "als" else "ADP"
        elif t.upos == "NUM":
            f, lem = t.form.lower(), t.lemma.lower()
            # ordinals (eerste, tweede, 19e, 20ste) are ADJ in v2
            if lem == "eerst" or (f != lem and f.endswith(("e", "ste", "de")) and f not in {"eén", "één"}):
                t.upos = "ADJ"
                if t.deprel == "nummod":
                    t.deprel = "amod"
    # ---- 2. structural: non-v2 auxiliaries become heads ---------------------
    for t in toks:
        if t.deprel == "aux" and t.lemma not in V2_AUX_LEMMAS and t.head:
            main = tr.tok(t.head)
            _promote(tr, t, main, "xcomp", {"nsubj", "nsubj:pass", "mark", "cc", "conj", "punct",
                                            "aux", "advcl", "parataxis", "expl"})
            t.upos = "VERB"
    # non-zijn copulas: the copula verb becomes the head, predicate -> xcomp
    for t in toks:
        if t.deprel == "cop" and t.lemma not in V2_COP_LEMMAS and t.head:
            pred = tr.tok(t.head)
            move = CLAUSAL - PRED_KEEP if pred.upos in {"NOUN", "PROPN", "PRON", "NUM"} else CLAUSAL - {
                "nmod"} - PRED_KEEP
            _promote(tr, t, pred, "xcomp", move | {"nsubj", "nsubj:pass", "aux", "mark", "advmod",
                                                   "punct", "cc", "conj", "advcl", "parataxis", "obl"})
            t.upos = "VERB"
    # v2 auxiliaries that v1.4 analyses as main verb + xcomp (moeten, ...)
    for t in toks:
        if t.lemma in {"moeten", "kunnen", "zullen", "mogen"} and t.upos in {"VERB", "AUX"}:
            comps = [c for c in tr.children(t.id) if c.deprel == "xcomp" and c.upos == "VERB"
                     and "VerbForm=Inf" in c.feats]
            if len(comps) == 1 and t.deprel not in {"aux", "aux:pass", "cop"}:
                comp = comps[0]
                comp.head, comp.deprel = t.head, t.deprel
                for c in tr.children(t.id):
                    c.head = comp.id
                t.head, t.deprel, t.upos = comp.id, "aux", "AUX"
    # ---- 3. relabel ---------------------------------------------------------
    def hpos(t: Token) -> str:
        return tr.tok(t.head).upos if t.head else "ROOT"

    for t in toks:
        d = t.deprel
        if d in SIMPLE_DEPREL:
            t.deprel = SIMPLE_DEPREL[d]
        elif d == "mwe":
            t.deprel = "fixed" if hpos(t) in {"ADP", "ADV", "SCONJ", "CCONJ", "PUNCT"} else "flat"
        elif d == "nmod":
            if hpos(t) in {"VERB", "AUX", "ADJ", "ADV"}:
                t.deprel = "obl"
        elif d == "amod":
            if hpos(t) not in {"NOUN", "PROPN", "DET", "X", "NUM", "SYM"}:
                t.deprel = "advmod"
        elif d == "advmod":
            if hpos(t) in {"NOUN", "PROPN", "SYM"}:
                t.deprel = "amod"
        elif d == "det" and t.lemma.lower() in POSSESSIVES and t.upos in {"DET", "PRON"}:
            t.deprel, t.upos = "nmod:poss", "PRON"
            t.feats = POSSESSIVES[t.lemma.lower()]
    for t in toks:
        if t.deprel == "acl":
            if any("PronType=Rel" in c.feats or c.lemma.lower().startswith("waar")
                   for c in tr.children(t.id)):
                t.deprel = "acl:relcl"
        elif t.deprel == "obj" and t.upos == "PRON" and t.lemma.lower() in REFLEXIVES and (
                "Reflex=Yes" in t.feats or t.lemma.lower().startswith("zich")):
            t.deprel = "expl:pv"
    for t in toks:
        if t.deprel in {"nsubj", "csubj"} and any(c.deprel == "aux:pass" for c in tr.children(t.head)):
            t.deprel += ":pass"
        if t.deprel == "obl" and t.head:
            h = tr.tok(t.head)
            if any(c.lemma == "door" and c.deprel == "case" for c in tr.children(t.id)) and (
                    any(c.deprel == "aux:pass" for c in tr.children(h.id))):
                t.deprel = "obl:agent"
    # ---- 4. features ---------------------------------------------------------
    for t in toks:
        parts = [f for f in t.feats.split("|") if f != "_"]
        if t.upos in {"AUX", "VERB"} and not any(p.startswith("VerbForm=") for p in parts):
            guess = feats_lookup.get((t.form.lower(), t.upos)) or feats_lookup.get((t.form.lower(), "VERB"))
            if guess:
                t.feats = guess
    # ---- 5. coordination: cc attaches to the following conjunct -------------
    for t in toks:
        if t.deprel in {"cc", "cc:preconj"} and t.head:
            conjs = sorted(c.id for c in tr.children(t.head) if c.deprel == "conj" and c.id > t.id)
            if conjs:
                t.head = conjs[0]
    # ---- 6. punctuation --------------------------------------------------------
    fix_punct(tr)
    # ---- 7. any root other than the first is attached as parataxis ----------
    roots = [t for t in toks if t.head == 0]
    for r in roots[1:]:
        r.head, r.deprel = roots[0].id, "parataxis"
    for t in toks:
        if t.head == 0:
            t.deprel = "root"
    return sent


def fix_punct(tr: Tree) -> None:
    """Attach punctuation to the highest node that keeps the tree projective,
    choosing between the nearest non-punctuation tokens on the left and the
    right (after the UD guidelines / udapi ud.FixPunct, re-implemented)."""
    toks = tr.t
    n = len(toks)
    punct_ids = [t.id for t in toks if t.upos in PUNCT_POS and t.deprel == "punct"]
    if not punct_ids:
        return
    # Paired punctuation first: attach both to the head of the enclosed span.
    done: set[int] = set()
    for t in toks:
        if t.id in done or t.id not in punct_ids or t.form not in PAIRED:
            continue
        close = PAIRED[t.form]
        j = next((u.id for u in toks[t.id:] if u.form == close and u.id in punct_ids and u.id not in done),
                 None)
        if j is None or j - t.id < 2:
            continue
        inner = [u.id for u in toks[t.id:j - 1] if u.upos not in PUNCT_POS]
        if not inner:
            continue
        # the head of the span: inner token whose head lies outside the span
        heads = [i for i in inner if not (t.id < tr.tok(i).head < j)]
        if len(heads) != 1:
            continue
        h = heads[0]
        tr.tok(t.id).head = h
        tr.tok(j).head = h
        done.update({t.id, j})
    for p in punct_ids:
        if p in done:
            continue
        node = tr.tok(p)
        l_cand = next((u.id for u in reversed(toks[:p - 1]) if u.upos not in PUNCT_POS), None)
        r_cand = next((u.id for u in toks[p:] if u.upos not in PUNCT_POS), None)
        if l_cand is not None:
            while True:
                par = tr.tok(l_cand).head
                if par == 0 or par > p:
                    break
                if tr.subtree_span(l_cand)[1] > p:
                    break
                l_cand = par
        if r_cand is not None:
            while True:
                par = tr.tok(r_cand).head
                if par == 0 or par < p:
                    break
                if tr.subtree_span(r_cand)[0] < p:
                    break
                r_cand = par
        if l_cand is not None and r_cand is not None:
            if tr.is_descendant(l_cand, r_cand):
                cand = l_cand
            elif tr.is_descendant(r_cand, l_cand):
                cand = r_cand
            else:
                cand = l_cand
        else:
            cand = l_cand if l_cand is not None else r_cand
        if cand is None or cand == p:
            continue
        # avoid cycles (punctuation with dependents)
        if tr.is_descendant(cand, p):
            continue
        node.head = cand


def build_feats_lookup(sents: list[Sentence]) -> dict[tuple[str, str], str]:
    """Most frequent FEATS per (lower-cased form, UPOS) in v2 data: used only
    to fill verbal features that the v1.4 file leaves empty on AUX tokens."""
    from collections import Counter, defaultdict

    c: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for s in sents:
        for t in s.tokens:
            if t.upos in {"AUX", "VERB"} and t.feats != "_":
                c[(t.form.lower(), t.upos)][t.feats] += 1
    return {k: v.most_common(1)[0][0] for k, v in sorted(c.items())}


def strip_feature(feats: str, name: str) -> str:
    parts = [f for f in feats.split("|") if f != "_" and not f.startswith(name + "=")]
    return "|".join(parts) if parts else "_"


def guess_spaces(words: list[str]) -> list[bool]:
    """SpaceAfter for the v1.4 file, which has neither text nor SpaceAfter."""
    no_before = {".", ",", ":", ";", "!", "?", ")", "]", "}", "»", "''", "”", "’", "%", "..."}
    no_after = {"(", "[", "{", "«", ",,", "„", "“", "‘"}
    sp = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        sp.append(not (nxt is None or nxt in no_before or w in no_after))
    return sp


def stable_hash(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf8")).hexdigest(), 16)
