"""Coders: estimator contract, keyword rules, zero-shot, supervised, combined,
thresholds, exclusive themes, overig and non-answers. A small hashing
bag-of-words embedder stands in for the real backends (fast, deterministic:
texts that share words are similar)."""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV

from textmine.codebook import NON_ANSWER, OVERIG, Codebook, Theme
from textmine.coders import (Answer, CombinedCoder, KeywordCoder, SupervisedCoder, ZeroShotCoder,
                             as_batch, assign_themes, bare_codebook, best_f1_threshold,
                             learn_thresholds, make_answers)


class HashEmbedder:
    """Stand-in embedder: the sum of a fixed random vector per lowercase word."""

    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def _word(self, w: str) -> np.ndarray:
        return np.random.default_rng(zlib.crc32(w.encode())).standard_normal(self.dim)

    def encode(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().replace(".", " ").replace(",", " ").split():
                out[i] += self._word(w)
        n = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(n > 0, n, 1)

    def __deepcopy__(self, memo):  # a loaded model is shared, not copied
        return self


class CorpusEmbedder(HashEmbedder):
    """Stand-in for a backend that learns from a corpus (like tfidf-char)."""

    def __init__(self) -> None:
        super().__init__()
        self.vocab: set[str] | None = None

    @property
    def is_fitted(self) -> bool:
        return self.vocab is not None

    def fit(self, corpus):
        self.vocab = {w for t in corpus for w in t.lower().split()}
        return self

    def __deepcopy__(self, memo):
        new = CorpusEmbedder()
        new.vocab = None if self.vocab is None else set(self.vocab)
        return new


EMB = HashEmbedder()


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook(themes=(
        Theme(id="partner", label="Stedenband en partnergemeente",
              description="Een stedenband met een partnergemeente in het Zuiden. Hoort er niet bij: markt.",
              keywords=("stedenband", "partnergemeente", "projectsubsidie", "financiële steun"),
              patterns=(r"\bsteden\s*band\w*",),
              examples=("stedenband met partnergemeente in Peru", "bezoek aan onze partnergemeente")),
        Theme(id="fair", label="Fair trade gemeente",
              description="Fair trade producten en de campagne faire gemeente.",
              keywords=("fairtrade", "faire gemeente", "eerlijke handel", "steun"),
              examples=("fairtrade koffie op het gemeentehuis", "we zijn faire gemeente")),
        Theme(id="event", label="Evenement op de markt",
              description="Een feest, markt of festival in de gemeente.",
              keywords=("markt", "festival", "feest", "steun"),
              examples=("wereldfeest op de markt", "festival met muziek")),
        Theme(id="niets", label="Nog geen project", exclusive=True,
              description="Nog niets concreets, nieuw in de job.",
              keywords=("nieuw", "niets"),
              examples=("nog niets, ik ben nieuw",)),
    ))


TOY = {
    "partner": ["stedenband met partnergemeente", "bezoek partnergemeente Peru", "onze stedenband loopt goed",
                "delegatie van de partnergemeente", "partnergemeente waterproject stedenband",
                "stedenband school partnergemeente", "uitwisseling stedenband jongeren",
                "partnergemeente bezoek burgemeester"],
    "fair": ["fairtrade koffie gemeentehuis", "faire gemeente titel behaald", "fairtrade ontbijt school",
             "eerlijke handel fairtrade winkel", "faire gemeente campagne fairtrade",
             "fairtrade chocolade personeel", "faire gemeente derde ster", "fairtrade bananen markt"],
    "event": ["wereldfeest op de markt", "festival met muziek en eten", "feest op het plein met dans",
              "markt met wereldkeuken", "festival wereldmuziek park", "feest buurt wereld",
              "markt en festival zomer", "feest met muziek plein"],
}


def toy_data(per_theme: int = 8):
    texts, Y = [], []
    for j, (_, items) in enumerate(TOY.items()):
        for t in items[:per_theme]:
            texts.append(t)
            row = [0, 0, 0, 0]
            row[j] = 1
            Y.append(row)
    return make_answers(texts), np.array(Y)


# --- the estimator contract -------------------------------------------------------

def all_coders(cb):
    return [KeywordCoder(cb), ZeroShotCoder(cb, EMB), SupervisedCoder(EMB, codebook=cb), CombinedCoder(cb, EMB)]


def test_estimator_contract(codebook):
    X, Y = toy_data()
    for coder in all_coders(codebook):
        params = coder.get_params()
        c2 = clone(coder)
        assert c2.get_params().keys() == params.keys()
        assert not hasattr(c2, "thresholds_")
        c2.set_params(threshold=0.3)
        assert c2.threshold == 0.3 and coder.threshold == "auto"
        with pytest.raises(NotFittedError):
            c2.predict(X)
        assert c2.fit(X, Y) is c2
        P, S = c2.predict(X), c2.predict_proba(X)
        assert P.shape == S.shape == (len(X), len(codebook))
        assert set(np.unique(P)) <= {0, 1}
        assert S.min() >= 0 and S.max() <= 1
        assert c2.theme_ids_ == codebook.ids
        assert len(c2.thresholds_) == len(codebook)
        # codebook coders need no labels
        if not isinstance(coder, SupervisedCoder):
            assert clone(coder).fit(X).predict(X).shape == P.shape


def test_grid_search_and_deterministic(codebook):
    X, Y = toy_data()
    scorer = make_scorer(f1_score, average="micro", zero_division=0)
    gs = GridSearchCV(SupervisedCoder(EMB, use_tfidf=True, threshold=0.5), {"C": [0.5, 4.0]},
                      scoring=scorer, cv=2).fit(X, Y[:, :3])
    assert gs.best_params_["C"] in (0.5, 4.0)
    a = CombinedCoder(codebook, EMB).fit(X, Y).predict_proba(X)
    b = CombinedCoder(codebook, EMB).fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_input_forms(codebook):
    texts = ["Onze stedenbanden", "nvt"]
    df = pd.DataFrame({"text": texts, "lemmas": [["onze", "stedenband"], ["nvt"]],
                       "non_answer": [False, True]})
    coder = KeywordCoder(codebook).fit()
    assert coder.code(df) == [["partner"], [NON_ANSWER]]

    class Cleaned:  # what textmine.nlp.clean_answers returns
        def __init__(self, text, lemmas, flags):
            self.text = self.normalized_text = text
            self.lemmas, self.flags = lemmas, flags
    cleaned = [Cleaned("Onze stedenbanden", ["onze", "stedenband"], []), Cleaned("nvt", ["nvt"], ["non_answer"])]
    assert coder.code(cleaned) == [["partner"], [NON_ANSWER]]
    assert coder.code(["een festival", "iets anders"]) == [["event"], [OVERIG]]
    b = as_batch([Answer("x", vector=np.ones(3)), Answer("y", vector=np.zeros(3))])
    assert b.vectors.shape == (2, 3)


# --- keyword rules ----------------------------------------------------------------

def test_keyword_lemmas_phrases_patterns(codebook):
    kw = KeywordCoder(codebook).fit()
    # a lemma that the surface text does not show
    assert kw.matches("Onze zustersteden", ("onze", "stedenband")) == {"partner": 1.0}
    # a phrase as lowercase text, with a plural, and accents folded
    assert kw.matches("Wij zijn een Faire Gemeenten!") == {"fair": 1.0}
    assert kw.matches("Financiele steun voor Peru").get("partner") == 1.0
    # a phrase as a lemma sequence
    assert "fair" in kw.matches("de gemeenten zijn fair", ("de", "faire", "gemeente", "zijn"))
    # a pattern (no keyword): "steden band"
    assert kw.matches("een steden band") == {"partner": 1.0}
    # a plural; a compound (projectsubsidie at the end of waterprojectsubsidies, stedenband
    # at the start of stedenbandwerking, where the pattern also matches)
    assert kw.matches("de projectsubsidies") == {"partner": 1.0}
    assert kw.matches("de waterprojectsubsidies") == {"partner": 1.0}
    assert kw.matches("stedenbandwerking") == {"partner": 2.0}
    assert KeywordCoder(codebook, compounds=False).fit().matches("de waterprojectsubsidies") == {}
    # a keyword listed by two themes counts half for each
    ev = kw.matches("steun")
    assert ev == {"fair": 0.5, "event": 0.5}
    # scores: one clear hit = 0.5, two = 0.75
    S = kw.predict_proba(["stedenband", "stedenband partnergemeente festival"])
    assert S[0, 0] == pytest.approx(1 - 2 ** -2)  # keyword + pattern
    assert S[1, 2] == pytest.approx(0.5)


def test_bare_codebook_uses_labels():
    cb = bare_codebook(["Mobiliteit", "Armoede bestrijden"])
    assert cb.ids == ["mobiliteit", "armoede_bestrijden"]
    kw = KeywordCoder(cb).fit()
    assert kw.code(["Meer aandacht voor armoede bestrijden", "de mobiliteit", "iets"]) == \
        [["armoede_bestrijden"], ["mobiliteit"], [OVERIG]]
    assert KeywordCoder(cb, use_label=False).fit().code(["de mobiliteit"]) == [[OVERIG]]


# --- assign_themes: exclusive, overig, non-answer ----------------------------------

def test_assign_themes(codebook):
    S = np.array([[0.9, 0.0, 0.6, 0.8],   # niets is exclusive: the others win
                  [0.1, 0.0, 0.0, 0.7],   # only niets passes: niets alone
                  [0.2, 0.1, 0.3, 0.2],   # nothing passes: overig
                  [0.9, 0.9, 0.9, 0.9]])  # non-answer: not coded
    codes = assign_themes(S, 0.5, codebook, non_answer=[False, False, False, True])
    assert codes == [["partner", "event"], ["niets"], [OVERIG], [NON_ANSWER]]
    # per-theme thresholds, order by score
    assert assign_themes(np.array([[0.3, 0.45, 0.0, 0.0]]), [0.2, 0.4, 0.5, 0.5], codebook) == \
        [["fair", "partner"]]
    # two exclusive themes: the best one alone
    cb2 = Codebook(themes=(Theme(id="a", label="A", exclusive=True), Theme(id="b", label="B", exclusive=True),
                           Theme(id="c", label="C")))
    assert assign_themes(np.array([[0.6, 0.7, 0.1]]), 0.5, cb2) == [["b"]]
    assert assign_themes(np.array([[0.6, 0.7, 0.5]]), 0.5, cb2) == [["c"]]


def test_non_answers_not_coded(codebook):
    X, Y = toy_data()
    na = [Answer("stedenband partnergemeente", non_answer=True), Answer("stedenband partnergemeente")]
    for coder in all_coders(codebook):
        coder.fit(X, Y)
        assert coder.predict_proba(na)[0].sum() == 0
        assert coder.predict(na)[0].sum() == 0
        assert coder.code(na)[0] == [NON_ANSWER]
        assert coder.code(na)[1] == ["partner"]
        assert coder.top_theme(na) == [NON_ANSWER, "partner"]


def test_exclusive_in_coder(codebook):
    kw = KeywordCoder(codebook).fit()
    assert kw.code(["ik ben nieuw", "ik ben nieuw maar we hebben een stedenband"]) == \
        [["niets"], ["partner"]]


# --- zero-shot --------------------------------------------------------------------

def test_zero_shot_without_labels(codebook):
    zs = ZeroShotCoder(codebook, EMB).fit()
    assert zs.prototypes_.shape == (4, EMB.dim)
    top = zs.top_theme(["stedenband partnergemeente Zuiden", "faire gemeente fair trade producten",
                        "feest markt festival"])
    assert top == ["partner", "fair", "event"]
    S = zs.predict_proba(["stedenband partnergemeente Zuiden"])
    assert S[0, 0] == S[0].max() and S[0, 0] > 0.5
    # the description's "Hoort er niet bij" part is not in the prototype
    from textmine.coders import theme_text
    assert "markt" not in theme_text(codebook.theme("partner"))


def test_corpus_embedder_is_fitted_and_not_shared(codebook):
    proto = CorpusEmbedder()
    zs = ZeroShotCoder(codebook, proto).fit(make_answers(["een stedenband", "een feest"]))
    assert zs.embedder_.is_fitted and not proto.is_fitted  # the user's object is left alone
    assert "stedenband" in zs.embedder_.vocab and "feest" in zs.embedder_.vocab


# --- supervised -------------------------------------------------------------------

def test_supervised_learns_separable_toy_set():
    X, Y = toy_data()
    train = [i for i in range(len(X)) if i % 4 != 0]
    test = [i for i in range(len(X)) if i % 4 == 0]
    for use_tfidf in (True, False):
        sup = SupervisedCoder(EMB, use_tfidf=use_tfidf).fit([X[i] for i in train], Y[train][:, :3])
        assert sup.theme_ids_ == ["0", "1", "2"]
        pred = sup.predict_proba([X[i] for i in test]).argmax(1)
        assert (pred == Y[test][:, :3].argmax(1)).all()
    # column names from a DataFrame of labels
    sup = SupervisedCoder(EMB).fit(X, pd.DataFrame(Y[:, :3], columns=["p", "f", "e"]))
    assert sup.theme_ids_ == ["p", "f", "e"]


def test_supervised_rare_themes_fall_back(codebook):
    X, Y = toy_data()
    Y = Y.copy()
    Y[:, 3] = 0
    Y[0, 3] = 1  # one positive only for 'niets'
    sup = SupervisedCoder(EMB, codebook=codebook, use_examples=False).fit(X, Y)
    assert sup.models_[3] is None and sup.models_[0] is not None
    cb_scores = sup.fallback_.scores(as_batch(["ik ben nieuw, nog niets"]))
    assert sup.predict_proba(["ik ben nieuw, nog niets"])[0, 3] == pytest.approx(cb_scores[0, 3])
    # without a codebook: the base rate
    sup2 = SupervisedCoder(EMB).fit(X, Y)
    assert sup2.predict_proba(["iets"])[0, 3] == pytest.approx(1 / len(X))
    # calibration rule: needs min_calibration_pos positives and negatives
    sup3 = SupervisedCoder(EMB, min_calibration_pos=8).fit(X, Y)
    assert sup3.calibrated_[:3] == [True, True, True]
    assert SupervisedCoder(EMB, min_calibration_pos=9).fit(X, Y).calibrated_[:3] == [False] * 3


def test_supervised_with_examples_needs_no_labels(codebook):
    sup = SupervisedCoder(EMB, codebook=codebook).fit(None)
    assert all(m is not None for m in sup.models_[:3])  # >= 2 examples each
    assert sup.models_[3] is None  # one example: the codebook score
    with pytest.raises(ValueError):
        SupervisedCoder(EMB).fit(["x"])


# --- combined ---------------------------------------------------------------------

def test_combined_leans_on_supervised_as_labels_grow(codebook):
    weights = []
    for per_theme in (0, 2, 4, 8):
        X, Y = toy_data(per_theme) if per_theme else ([], None)
        coder = CombinedCoder(codebook, EMB, threshold=0.4).fit(X, Y)
        weights.append(coder.weights_.copy())
    assert (weights[0] == 0).all()
    for a, b in zip(weights, weights[1:]):
        assert (b[:3] >= a[:3]).all() and (b[:3] > a[:3]).any()
    assert weights[-1][0] == pytest.approx(8 / (8 + 5))
    assert weights[-1][3] == 0  # no coded answers for 'niets'
    # with many labels the scores are close to the supervised part
    X, Y = toy_data(8)
    coder = CombinedCoder(codebook, EMB, prior_strength=0.01, threshold=0.4).fit(X, Y)
    sup = coder.supervised_.model_scores(as_batch(X))
    np.testing.assert_allclose(coder.predict_proba(X)[:, :3], sup[:, :3], atol=0.01)


def test_combined_codebook_only(codebook):
    coder = CombinedCoder(codebook, EMB).fit(make_answers(["nvt"]))
    assert coder.supervised_ is None
    assert coder.thresholds_.tolist() == [0.4] * 4 and coder.threshold_source_ == ["default"] * 4
    codes = coder.code(["onze stedenband met de partnergemeente in Peru", "ik ben nieuw, nog niets",
                        "blablabla"])
    assert codes == [["partner"], ["niets"], [OVERIG]]
    # the earlier rule is still there by name, with its own default cut
    mean = CombinedCoder(codebook, EMB, combine="mean").fit(make_answers(["nvt"]))
    assert mean.thresholds_.tolist() == [0.3] * 4
    assert mean.code(["onze stedenband met de partnergemeente in Peru", "blablabla"]) == [["partner"], [OVERIG]]


# --- thresholds -------------------------------------------------------------------

def test_best_f1_threshold_and_learning():
    y = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.3, 0.2, 0.1, 0.05])
    thr, f1 = best_f1_threshold(y, s)
    assert thr == pytest.approx(0.65) and f1 == pytest.approx(2 * 3 / (3 + 4))
    Y = np.c_[y, y, np.r_[1, np.zeros(7, int)]]
    S = np.c_[s, s * 0.5, s]
    t = learn_thresholds(Y, S, default=0.5, min_pos=3)
    assert t[0] == pytest.approx(0.65) and t[1] == pytest.approx(0.325)
    assert t[2] == 0.5  # one positive: the default


def test_coder_learns_thresholds(codebook):
    X, Y = toy_data(8)
    coder = CombinedCoder(codebook, EMB, min_threshold_pos=5).fit(X, Y)
    assert coder.threshold_source_[:3] == ["learned"] * 3 and coder.threshold_source_[3] == "default"
    assert coder.thresholds_[3] == coder.default_threshold == 0.4
    assert ((coder.thresholds_ > 0) & (coder.thresholds_ < 1)).all()
    # keyword scores do not depend on the labels: thresholds learned in-sample
    kw = KeywordCoder(codebook, min_threshold_pos=5).fit(X, Y)
    assert kw.threshold_source_[:3] == ["learned"] * 3
    fixed = CombinedCoder(codebook, EMB, threshold=0.25).fit(X, Y)
    assert fixed.thresholds_.tolist() == [0.25] * 4 and fixed.threshold_source_ == ["fixed"] * 4


# --- codebook-alone coding: example pooling, order of codes, secondary codes ----------

def test_zero_shot_max_pooling_follows_the_closest_example(codebook):
    # one example of 'partner' is about a visit: an answer close to that example
    # scores higher on 'partner' with max pooling than with the blurred centroid
    answer = ["bezoek aan onze partnergemeente"]
    mx = ZeroShotCoder(codebook, EMB, example_pooling="max").fit()
    ce = ZeroShotCoder(codebook, EMB, example_pooling="centroid").fit()
    assert mx.similarities(as_batch(answer))[0, 0] > ce.similarities(as_batch(answer))[0, 0]
    assert mx.example_vectors_.shape == (7, EMB.dim) and mx.example_owner_.tolist() == [0, 0, 1, 1, 2, 2, 3]
    with pytest.raises(ValueError, match="example_pooling"):
        ZeroShotCoder(codebook, EMB, example_pooling="median").fit()
    # a theme whose only example is left out (reference sims) falls back to its description
    loo = mx._mixed(mx.example_vectors_, exclude=np.arange(7))
    assert np.isfinite(loo).all()


def test_first_positions(codebook):
    kw = KeywordCoder(codebook).fit()
    pos = kw.first_positions(["een festival en onze stedenband", "niets te melden"])
    assert 0 < pos[0, 2] < pos[0, 0] < 1 and np.isinf(pos[0, 1])
    assert pos[1, 3] == 0.0 and np.isinf(pos[1, :3]).all()


def test_assign_themes_rank_orders_but_does_not_select():
    ids = ["a", "b", "c"]
    S = np.array([[0.9, 0.6, 0.1]])
    assert assign_themes(S, 0.5, ids=ids) == [["a", "b"]]
    assert assign_themes(S, 0.5, ids=ids, rank=np.array([[0.1, 0.9, 5.0]])) == [["b", "a"]]
    with pytest.raises(ValueError, match="rank"):
        assign_themes(S, 0.5, ids=ids, rank=np.zeros((2, 3)))


def test_combined_orders_by_place_and_needs_agreement_for_further_codes(codebook):
    answers = ["het festival op de markt en onze stedenband met de partnergemeente",
               "onze stedenband met de partnergemeente en het festival op de markt"]
    coder = CombinedCoder(codebook, EMB, secondary_threshold=None).fit(make_answers(["nvt"]))
    S = coder.predict_proba(answers)
    # both themes pass in both answers; with a strong position weight the one named first leads
    assert (S[:, [0, 2]] >= coder.thresholds_[[0, 2]]).all()
    big = CombinedCoder(codebook, EMB, secondary_threshold=None, position_weight=1.0).fit(make_answers(["nvt"]))
    codes = big.code(answers)
    assert codes[0][:2] == ["event", "partner"] and codes[1][:2] == ["partner", "event"]
    flat = CombinedCoder(codebook, EMB, secondary_threshold=None, position_weight=0).fit(make_answers(["nvt"]))
    assert [c[0] for c in flat.code(answers)] == [flat.theme_ids_[int(np.argmax(r))] for r in S]
    # a further code resting on one shared word only ('steun' is listed by two themes) is dropped
    strict = CombinedCoder(codebook, EMB).fit(make_answers(["nvt"]))
    loose = CombinedCoder(codebook, EMB, secondary_threshold=None).fit(make_answers(["nvt"]))
    text = ["onze stedenband met de partnergemeente, met steun"]
    assert strict.code(text)[0][0] == "partner"
    assert set(strict.code(text)[0]) <= set(loose.code(text)[0])
    kw, zs = strict.codebook_scorer_.parts(as_batch(text))
    for t in strict.code(text)[0][1:]:
        j = strict.theme_ids_.index(t)
        assert 0.5 * kw[0, j] + 0.5 * zs[0, j] >= 0.3


def test_noisy_or_lets_one_source_carry_a_theme(codebook):
    # a single clear keyword and no semantic support: overig under the mean rule, coded under noisy-or
    text = ["projectsubsidie"]
    nor = CombinedCoder(codebook, EMB).fit(make_answers(["nvt"]))
    kw, zs = nor.codebook_scorer_.parts(as_batch(text))
    assert kw[0, 0] == pytest.approx(0.5)
    assert nor.predict_proba(text)[0, 0] >= 0.5 and nor.code(text)[0][0] == "partner"
    mean = CombinedCoder(codebook, EMB, combine="mean").fit(make_answers(["nvt"]))
    assert mean.predict_proba(text)[0, 0] == pytest.approx(0.25 + 0.5 * zs[0, 0])
    with pytest.raises(ValueError, match="combine"):
        CombinedCoder(codebook, EMB, combine="max").fit()


def test_new_parameters_survive_clone_and_pickle(codebook):
    import pickle
    coder = CombinedCoder(codebook, "tfidf-char", position_weight=0.1, secondary_threshold=0.25,
                          example_pooling="top2")
    params = clone(coder).get_params()
    assert params["position_weight"] == 0.1 and params["secondary_threshold"] == 0.25
    assert params["example_pooling"] == "top2" and params["combine"] == "noisy_or"
    fitted = CombinedCoder(codebook, EMB).fit(make_answers(["onze stedenband", "het festival"]))
    again = pickle.loads(pickle.dumps(fitted))
    texts = ["onze stedenband met de partnergemeente", "het festival op de markt"]
    assert again.code(texts) == fitted.code(texts)


# --- non-answers that pass the question on ---------------------------------------------

@pytest.mark.parametrize("text", ["geen idee, vraag het aan mijn collega", "Geen flauw idee, vraag het aan de schepen.",
                                  "zie vorige bevraging", "Zie antwoord hierboven", "idem", "weet ik niet",
                                  "N.V.T. voor ons", "//", "no idea", "je ne sais pas",
                                  "Zie antwoord bij vorige vraag.", "zie antwoord 2022", "idem als bevraging 2022",
                                  "weet niet, vraag het aan collega Els Peeters (els.peeters@gemeente-x.be)",
                                  "weet ik niet, de collega van milieu (Tom) weet dat beter: tom@gemeente-x.be",
                                  "kan ik niet beantwoorden, ik vul dit in voor de collega die met verlof is",
                                  "geen idee, nog te nieuw in de job"])
def test_passing_on_is_a_non_answer(text):
    from textmine.nonanswers import is_non_answer
    assert is_non_answer(text)


@pytest.mark.parametrize("text", ["?! geen idee wat de nieuwe schepen wil", "Zie website",
                                  "geen idee hoe we dat moeten aanpakken", "idem: de stedenband",
                                  "zie vorige bevraging: de stedenband met Nicaragua loopt nog en we steunen er een school",
                                  "vraag naar meer budget", "Mail de wereldwinkel",
                                  "Weet niet, maar we hebben wel een stedenband", "zie antwoord: de stedenband",
                                  "weet niet, de collega zegt dat de stedenband loopt. Ook fairtrade.",
                                  "Kan ik niet zeggen welk project, er zijn er veel"])
def test_answers_that_mention_not_knowing_stay_answers(text):
    from textmine.nonanswers import is_non_answer
    assert not is_non_answer(text)


# --- the evaluation script's answers file -------------------------------------------------

def test_eval_script_reads_both_gold_formats(tmp_path):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from eval_coding import read_gold_answers

    from textmine.errors import InputError
    a = tmp_path / "a.csv"
    a.write_text("survey,question,answer_id,text,themes\nlmb,trots,1,x,evenementen;fairtrade\n", encoding="utf-8")
    df = read_gold_answers(str(a))
    assert df.main.tolist() == ["evenementen"] and df.gold.tolist() == [["evenementen", "fairtrade"]]
    b = tmp_path / "b.csv"
    b.write_text("survey,question,answer_id,text,main_theme,themes\n"
                 "lmb,trots,1,x,fairtrade,evenementen;fairtrade\nlmb,trots,2,nvt,non_answer,\n"
                 "lmb,trots,3,iets,overig,overig\n", encoding="utf-8")
    df = read_gold_answers(str(b))
    assert df.main.tolist() == ["fairtrade", "non_answer", "overig"]
    assert df.gold.tolist() == [["fairtrade", "evenementen"], ["non_answer"], ["overig"]]
    c = tmp_path / "c.csv"
    c.write_text("survey,question,answer_id,text,main_theme\nlmb,trots,1,x,\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2"):
        read_gold_answers(str(c))
    d = tmp_path / "d.csv"
    d.write_text("survey,question,text,themes\nlmb,trots,x,beleid\n", encoding="utf-8")
    with pytest.raises(InputError, match="answer_id"):
        read_gold_answers(str(d))


def test_nothing_yet_gives_way_only_to_a_clear_project(codebook):
    blank = make_answers(["nvt"])
    strict = CombinedCoder(codebook, EMB).fit(blank)
    loose = CombinedCoder(codebook, EMB, secondary_threshold=None).fit(blank)
    passing_mention = ["ik ben nieuw en er is nog niets, behalve de jaarlijkse markt"]
    S = strict.predict_proba(passing_mention)[0]
    assert S[2] >= strict.thresholds_[2] and S[3] > S[2]  # 'event' passes on one word, 'niets' is stronger
    assert loose.code(passing_mention) == [["event"]]      # the old rule: any passing project wins
    assert strict.code(passing_mention) == [["niets"]]
    project = ["ik ben nieuw maar we hebben een stedenband met de partnergemeente"]
    assert strict.code(project) == loose.code(project) == [["partner"]]


def test_score_and_code_scores_once_and_matches_the_separate_calls(codebook):
    X, Y = toy_data()
    answers = make_answers(["het festival en onze stedenband, met steun", "nvt", "niets, ik ben nieuw",
                            "fairtrade koffie op de markt"])
    answers[1] = Answer("nvt", non_answer=True)
    for coder in all_coders(codebook) + [CombinedCoder(codebook, EMB, combine="mean")]:
        coder.fit(X, Y)
        S, codes = coder.score_and_code(answers)
        np.testing.assert_array_equal(S, coder.predict_proba(answers))
        assert codes == coder.code(answers) == coder.code(answers, scores=S)
        assert codes[1] == [NON_ANSWER] and S[1].sum() == 0
        S0, codes0 = coder.score_and_code([])
        assert S0.shape == (0, len(codebook)) and codes0 == []
        with pytest.raises(ValueError, match="shape"):
            coder.code(answers, scores=S[:2])
    # the supervised part is computed once on the combined coder's hot path
    coder = CombinedCoder(codebook, EMB).fit(X, Y)
    calls = []
    sup = coder.supervised_
    original = sup.model_scores
    sup.model_scores = lambda batch: calls.append(len(batch)) or original(batch)
    coder.score_and_code(answers)
    assert calls == [len(answers)]


def test_keyword_positions_come_from_the_same_match_as_the_evidence(codebook):
    kw = KeywordCoder(codebook).fit()
    texts = ["een festival en onze stedenband", "niets te melden", "iets anders", "Steden band!"]
    answers = make_answers(texts)
    answers.append(Answer("de kermis", lemmas=("de", "feest")))  # evidence in the lemmas only
    S, pos = kw.scores_and_positions(as_batch(answers))
    np.testing.assert_array_equal(S, kw.predict_proba(answers))
    np.testing.assert_array_equal(pos, kw.first_positions(answers))
    np.testing.assert_array_equal(np.isfinite(pos), kw.evidence(answers) > 0)
    assert pos[4, 2] == 1.0 and pos[3, 0] == 0.0


def test_combined_cross_fit_scores_share_one_keyword_pass_exactly(codebook):
    """CombinedCoder's cross-fit scores (the gate's footing) equal the fold coders' own scores
    averaged, though the keyword pass is shared (keyword scores depend on the codebook only)."""
    from textmine.coders.base import as_batch

    X, Y = toy_data()
    coder = CombinedCoder(codebook, EMB).fit(X, Y)
    assert coder.has_fold_coders and len(coder.fold_coders_) == 3
    batch = as_batch(X)
    slow = np.clip(np.mean([f._scores(batch) for f in coder.fold_coders_], axis=0), 0, 1)
    np.testing.assert_allclose(coder.cross_fit_proba(X), slow, atol=1e-12)
    assert not CombinedCoder(codebook, EMB).fit(X).has_fold_coders  # codebook alone: no folds
