"""The bundled synthetic sample reproduces the published figures of ../shared/BRIEF.md."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tm_testutil import REPO
from textmine.demo import SAMPLE_WAVES
from textmine.ingest import ingest
from textmine.schema import load_schema
from textmine.store import Store
from textmine.tally import tally

SAMPLE, SCHEMAS = REPO / "data" / "sample", REPO / "data" / "schemas"


def pct(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("sample") / "project"
    for survey, wave, file, population in SAMPLE_WAVES:
        ingest(SAMPLE / file, load_schema(SCHEMAS / f"{survey}.yaml"), p, wave, population=population)
    return p


def questions(project: Path, survey: str, wave: str = "2025") -> dict:
    with Store(project) as store:
        (res,) = tally(store, survey, wave)
    return res, {q["id"]: q for q in res["questions"]}


def test_lmb_2025(project: Path):
    res, q = questions(project, "lmb")
    assert res["respondents"] == 127 and res["population"] == 285
    assert res["response_rate"] == pytest.approx(44.56, abs=0.01)
    assert res["margin_of_error"] == pytest.approx(6.49, abs=0.01) and res["required_sample"] == 164
    assert q["voert_lmb"]["counts"] == {"Ja": 108, "Nee": 19}
    assert 60 <= pct(q["schepen_ambtenaar"]["percent"]["Ja"]) <= 70  # "about two in three"
    vte = q["vte"]
    assert vte["n"] == 108
    assert (round(vte["mean"], 3), round(vte["median"], 3), round(vte["q1"], 3), round(vte["q3"], 3)) == \
        (0.4, 0.175, 0.1, 0.25)
    assert q["budget_evolutie"]["counts"] == {"Gestegen": 18, "Stabiel": 63, "Gedaald": 11}
    assert {k: pct(v) for k, v in q["aandacht_toekomst"]["percent"].items()} == \
        {"Meer": 19, "Evenveel": 45, "Minder": 14, "Nog onduidelijk": 22}
    assert q["personeel_toekomst"]["counts"] == {"Stijging": 3, "Gelijk": 73, "Daling": 9}
    assert q["budget_toekomst"]["counts"] == {"Stijging": 11, "Status quo": 61, "Daling": 15}
    steun = q["steun_lmb"]
    assert steun["summary"]["agree"]["count"] == 68 and steun["summary"]["neutral"]["count"] == 27
    assert steun["summary"]["disagree"]["count"] == 1
    assert steun["excluded_from_base"] == {"Niet van toepassing": 12}
    partner = q["steun_partnerschappen"]
    assert partner["summary"]["agree"]["count"] == 28 and partner["summary"]["neutral"]["count"] == 32
    assert partner["excluded_from_base"] == {"Niet van toepassing": 18}


SDG_JA = {"interne_communicatie": 82, "werkgroep": 24, "externe_communicatie": 60, "ambassadeurs": 36,
          "lokale_actoren": 56, "internationale_samenwerking": 53, "bestuursakkoord": 19,
          "mjp_vorige": 58, "mjp_huidig": 73, "kwetsbare_groepen": 77, "aankoopbeleid": 53,
          "rapportering": 21}


def test_sdg_2025(project: Path):
    res, q = questions(project, "sdg")
    assert res["respondents"] == 63 and pct(res["response_rate"]) == 22
    for item, share in SDG_JA.items():
        assert pct(q[item]["percent"]["Ja"]) == share, item
    assert [pct(q["engagement"]["percent"][o]) for o in ("Ja", "Nee", "Weet niet")] == [49, 35, 16]
    mon = {k: pct(v) for k, v in q["monitoring"]["percent"].items()}
    assert (mon["Ja, in de vorige legislatuur"], mon["Ja, gepland voor deze legislatuur"], mon["Weet niet"]) == \
        (24, 18, 55)

    def split(item):
        s = q[item]["summary"]
        return pct(s["agree"]["percent"]), pct(s["neutral"]["percent"]), pct(s["disagree"]["percent"])
    assert split("impact_integraal") == (43, 41, 16)
    assert split("impact_rechtvaardigheid") == (49, 35, 14)
    assert split("impact_duurzaam")[0] == 57 and split("impact_duurzaam")[2] == 8
    satisfied = sorted((pct(q[i]["summary"]["agree"]["percent"]) for i in q if i.startswith("tevreden_")),
                       reverse=True)
    assert satisfied == [84, 70, 68, 57, 57, 46]
    future = sorted((pct(q[i]["summary"]["agree"]["percent"]) for i in q if i.startswith("toekomst_")),
                    reverse=True)
    assert future == [89, 51, 40, 20]
    means = {i: round(q[i]["mean"], 2) for i in q if i.startswith("invloed_")}
    assert means == {"invloed_vereniging": 3.63, "invloed_vlaamse_overheid": 2.08,
                     "invloed_andere_gemeenten": 1.97, "invloed_lokale_actoren": 1.66, "invloed_andere": 1.32}


def test_sdg_2022_wave(project: Path):
    res, q = questions(project, "sdg", "2022")
    assert res["respondents"] == 105 and res["population"] == 300
    assert pct(q["internationale_samenwerking"]["percent"]["Ja"]) == 50


def test_units_matched_with_pre_merger_names(project: Path):
    with Store(project) as store:
        for survey, wave, *_ in SAMPLE_WAVES:
            resp = store.respondents(survey, wave)
            assert resp["province"].notna().mean() > 0.95, (survey, wave)
            # a deliberately misspelt name is listed, not guessed
            assert 1 <= len(store.unmatched_units(survey, wave)) <= 3


@pytest.mark.parametrize("survey,wave,file,population", SAMPLE_WAVES)
def test_xlsx_gives_the_same_tallies_as_csv(survey, wave, file, population, project: Path, tmp_path: Path):
    p = tmp_path / "x"
    ingest(SAMPLE / file.replace(".csv", ".xlsx"), load_schema(SCHEMAS / f"{survey}.yaml"), p, wave,
           population=population)
    with Store(p) as a, Store(project) as b:
        assert json.dumps(tally(a, survey, wave)) == json.dumps(tally(b, survey, wave))
        assert a.open_answers(survey, wave)["text"].tolist() == b.open_answers(survey, wave)["text"].tolist()


def test_sample_marked_synthetic():
    for _, _, file, _ in SAMPLE_WAVES:
        assert "SYNTHETIC" in file
        head = (SAMPLE / file).read_bytes().decode("cp1252").splitlines()[0]
        assert head.startswith("SYNTHETIC_SAMPLE;")
