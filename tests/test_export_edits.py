"""Edits staff make to a real export before ingesting it, found by a sweep over the 8 real
exports of ../shared/data/real_exports (see README "Exports edited by staff").

Each edit either stores the same data as the export untouched, or is one line naming file,
row and column, exit 2, nothing stored. The fixtures are our synthetic exports of each
tool's layout (tests/fixtures/exports), edited here as Excel or a colleague would.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tm_testutil import FIXTURES, one_line_exit_2

EXPORTS = FIXTURES / "exports"


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return path


def _draft(cli, export: Path, tmp_path: Path) -> Path:
    out = tmp_path / "s.yaml"
    result = cli("schema", "infer", export, "--survey", "s", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _stored(project: Path) -> tuple[list, list, list]:
    from textmine.store import Store

    with Store(project) as store:
        resp = sorted(store.respondents("s", "1").respondent_id)
        answers = store.answers("s", "1")
        ans = sorted(map(tuple, answers[["question", "respondent_id", "option", "value"]].astype(str).values.tolist()))
        opened = store.open_answers("s", "1")
        texts = sorted(zip(opened.question, opened.respondent_id, opened.text))
    return resp, ans, texts


# --- ids Excel wrote in scientific notation -----------------------------------------------

def test_ids_excel_wrote_in_scientific_notation_are_an_error_even_when_they_stay_distinct(tmp_path: Path, cli):
    """Excel shows an 11-digit SurveyMonkey id as 1.19E+10 and saves it so in CSV: distinct
    respondents then share an id or, with few respondents, keep distinct but wrong ids. Three
    respondents whose rounded ids stayed distinct were stored as '1.19E+10', '1.20E+10' ..."""
    rows = _rows(EXPORTS / "surveymonkey_2row.csv")
    schema = _draft(cli, EXPORTS / "surveymonkey_2row.csv", tmp_path)
    rows = rows[:2] + rows[2:5]
    for k, r in enumerate(rows[2:]):
        r[0] = f"{int(r[0]) + k * 10 ** 8:.2E}"
    assert len({r[0] for r in rows[2:]}) == 3  # distinct: no duplicate-id error to catch it
    export = _write(tmp_path / "excel.csv", rows)
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1"))
    assert 'excel.csv, row 3, column "Respondent ID"' in message, message
    assert "1.19E+10" in message and "scientific notation" in message, message
    assert not (tmp_path / "p").exists()


def test_ids_written_out_in_full_still_read(tmp_path: Path, cli):
    from textmine.ingest import read_table, validate
    from textmine.schema import load_schema

    rows = _rows(EXPORTS / "surveymonkey_2row.csv")
    rows[2][0] = "1E3"  # not Excel's rounding (no decimals): e.g. a code a tool made up
    schema = load_schema(_draft(cli, EXPORTS / "surveymonkey_2row.csv", tmp_path))
    data = validate(read_table(_write(tmp_path / "e.csv", rows), None, 2), schema)
    assert "1E3" in {r[0] for r in data.respondents}


# --- a total row added at the bottom ------------------------------------------------------

@pytest.mark.parametrize("fixture", ["surveymonkey_2row.csv", "googleforms.csv", "surveygizmo.csv"])
@pytest.mark.parametrize("label", ["Totaal", "Total:", "gemiddelde"])
def test_a_total_row_at_the_bottom_is_an_error_not_a_respondent(tmp_path: Path, cli, fixture: str, label: str):
    """'Totaal' typed in column A under the answers (Excel's total row) was stored as one more
    respondent (id 'Totaal', or its row number); with counts under a Status column it was
    silently counted among the excluded responses."""
    rows = _rows(EXPORTS / fixture)
    schema = _draft(cli, EXPORTS / fixture, tmp_path)
    width = len(rows[0])
    total = [label] + [""] * (width - 1)
    export = _write(tmp_path / "totaal.csv", rows + [total])
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1"))
    assert f"totaal.csv, row {len(rows) + 1}, column \"{rows[0][0]}\"" in message, message
    assert "total row" in message and label in message, message
    assert not (tmp_path / "p").exists()
    # counts under every column, as Excel's COUNTA would put there
    counts = [label] + [str(sum(1 for r in rows[1:] if r[i].strip())) for i in range(1, width)]
    export = _write(tmp_path / "totaal.csv", rows + [counts])
    assert "total row" in one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1"))
    assert not (tmp_path / "p").exists()


def test_a_respondent_whose_first_answer_is_a_total_word_elsewhere_still_reads(tmp_path: Path, cli):
    """Only column A (and the id column) is looked at: an answer 'Totaal' elsewhere is an answer."""
    rows = _rows(EXPORTS / "googleforms.csv")
    rows[1][2] = "Totaal"
    schema = _draft(cli, EXPORTS / "googleforms.csv", tmp_path)
    export = _write(tmp_path / "g.csv", rows)
    result = cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1")
    assert result.exit_code == 0, result.output


# --- a checkbox cell split over columns ----------------------------------------------------

def _split_over_columns(rows: list[list[str]], column: int, separator: str) -> list[list[str]]:
    """Excel's Text to Columns on one column, into blank columns inserted to its right."""
    pieces = [[r[column]] if k == 0 else r[column].split(separator) for k, r in enumerate(rows)]
    wide = max(len(p) for p in pieces)
    return [r[:column] + p + [""] * (wide - len(p)) + r[column + 1:] for r, p in zip(rows, pieces)]


@pytest.mark.parametrize("fixture, separator", [("googleforms.csv", ", "), ("surveygizmo.csv", ";")])
def test_checkbox_cells_split_over_columns_are_an_error_not_a_first_choice_only(tmp_path: Path, cli, fixture: str,
                                                                                 separator: str):
    """Text to Columns on a joined checkbox column left only each respondent's first choice
    where the schema looks: the other choices were silently lost (SurveyGizmo Jupyter UX:
    4540 of 7037 choices kept)."""
    rows = _rows(EXPORTS / fixture)
    column = next(i for i, h in enumerate(rows[0]) if h.startswith("Via welke kanalen"))
    schema = _draft(cli, EXPORTS / fixture, tmp_path)
    split = _split_over_columns(rows, column, separator)
    options = {"Website", "Infoblad", "Sociale media", "Nieuwsbrief, digitaal en op papier"}
    first = next(k for k, r in enumerate(split) if k and r[column + 1].strip() in options)
    export = _write(tmp_path / "split.csv", split)
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1"))
    assert f'split.csv, row {first + 1}, column "{rows[0][column]}"' in message, message
    assert f"column {column + 2} (no header)" in message and "Text to Columns" in message, message
    assert not (tmp_path / "p").exists()


def test_a_blank_column_beside_a_checkbox_column_still_reads(tmp_path: Path, cli):
    """A blank column inserted beside the checkbox column, or a notes column there, holds no
    option: the export reads as before."""
    rows = _rows(EXPORTS / "googleforms.csv")
    column = next(i for i, h in enumerate(rows[0]) if h.startswith("Via welke kanalen"))
    schema = _draft(cli, EXPORTS / "googleforms.csv", tmp_path)
    notes = [r[:column + 1] + ["" if k == 0 else ("nagekeken" if k % 3 else "")] + r[column + 1:]
             for k, r in enumerate(rows)]
    for name, variant in (("orig", rows), ("notes", notes)):
        result = cli("ingest", _write(tmp_path / f"{name}.csv", variant), "-p", tmp_path / name, "-s", schema,
                     "-w", "1")
        assert result.exit_code == 0, result.output
    assert _stored(tmp_path / "notes") == _stored(tmp_path / "orig")


# --- an empty column inserted between ---------------------------------------------------------

@pytest.mark.parametrize("fixture", ["surveymonkey_2row.csv", "surveymonkey_3row_codes.csv", "qualtrics_text.csv",
                                     "googleforms.csv"])
def test_an_empty_column_inserted_anywhere_stores_the_same_data(tmp_path: Path, cli, fixture: str):
    """An empty column inserted inside a SurveyMonkey question's columns took the question text
    from its left: the question's header then appeared twice and the export was refused
    (OSPO 2023: 'column header appears more than once (positions 246, 247)', column "q30")."""
    rows = _rows(EXPORTS / fixture)
    schema = _draft(cli, EXPORTS / fixture, tmp_path)
    result = cli("ingest", EXPORTS / fixture, "-p", tmp_path / "orig", "-s", schema, "-w", "1")
    assert result.exit_code == 0, result.output
    want = _stored(tmp_path / "orig")
    for at in range(1, len(rows[0])):
        variant = [r[:at] + [""] + r[at:] for r in rows]
        export = _write(tmp_path / f"col{at}.csv", variant)
        result = cli("ingest", export, "-p", tmp_path / f"p{at}", "-s", schema, "-w", "1")
        assert result.exit_code == 0, (at, result.output)
        assert _stored(tmp_path / f"p{at}") == want, at


# --- a column inserted or deleted before a column the schema names by position ----------------

def _repeated_header_export(tmp_path: Path) -> Path:
    """A SurveyMonkey-like export whose two questions each have an 'Other (please specify)'
    column under a blank question cell: the same header twice, so a draft names them by position."""
    rows = [["Respondent ID", "Collector ID", "Which channels?", "", "", "Which channels?", "", "", "Role?",
             "Why?"],
            ["", "", "Website", "Newsletter", "Other (please specify)", "Schools", "NGOs",
             "Other (please specify)", "Response", "Open-Ended Response"]]
    for k in range(12):
        rows.append([str(11873420000 + k), "431207755", "Website" if k % 2 else "", "Newsletter" if k % 3 else "",
                     f"radio {k}" if k % 4 == 0 else "", "Schools" if k % 2 == 0 else "", "NGOs" if k % 5 else "",
                     f"sports club {k}" if k % 3 == 0 else "", "staff" if k % 2 else "volunteer", f"because {k}"])
    return _write(tmp_path / "repeated.csv", rows)


@pytest.mark.parametrize("edit", ["insert", "delete"])
def test_positions_follow_their_header_when_a_column_is_inserted_or_deleted_before(tmp_path: Path, cli, edit: str):
    """A draft names a repeated header ('Other (please specify)') by position; a column inserted
    or deleted before it pointed the schema at another column: the 'other' texts of one question
    were read from another, or the message was 'column 5 is used by both ...' (OSPO 2018 and
    2023: every column inserted or deleted before column 125/302 refused the export)."""
    export = _repeated_header_export(tmp_path)
    schema = _draft(cli, export, tmp_path)
    text = schema.read_text(encoding="utf-8")
    assert "position: 5" in text and "position: 8" in text, text
    assert cli("ingest", export, "-p", tmp_path / "orig", "-s", schema, "-w", "1").exit_code == 0
    rows = _rows(export)
    at = 1  # after the id: 'Collector ID' is used by no question
    edited = [r[:at] + [""] + r[at:] for r in rows] if edit == "insert" else [r[:at] + r[at + 1:] for r in rows]
    result = cli("ingest", _write(tmp_path / "edited.csv", edited), "-p", tmp_path / "p", "-s", schema, "-w", "1")
    assert result.exit_code == 0, result.output
    assert "moved" in result.output and "position 5 from column" in result.output, result.output
    assert _stored(tmp_path / "p") == _stored(tmp_path / "orig")


def test_a_position_whose_header_is_gone_is_an_error(tmp_path: Path, cli):
    """One of the two 'Other (please specify)' columns deleted: which one the schema's positions
    mean is no longer known, so the export is refused, naming the position."""
    export = _repeated_header_export(tmp_path)
    schema = _draft(cli, export, tmp_path)
    rows = _rows(export)
    edited = [r[:4] + r[5:] for r in rows]  # column 5, the first 'Other (please specify)'
    message = one_line_exit_2(cli("ingest", _write(tmp_path / "edited.csv", edited), "-p", tmp_path / "p",
                                   "-s", schema, "-w", "1"))
    assert 'edited.csv, row 1, column "position 5"' in message, message
    assert "Which channels? - Other (please specify)" in message and "inserted or deleted" in message, message
    assert not (tmp_path / "p").exists()


def test_positions_without_a_header_in_the_schema_read_as_before(tmp_path: Path, cli):
    export = _repeated_header_export(tmp_path)
    schema = _draft(cli, export, tmp_path)
    plain = tmp_path / "plain.yaml"
    text = schema.read_text(encoding="utf-8")
    import re

    plain.write_text(re.sub(r"\n\s+header: [^\n]*", "", text), encoding="utf-8")
    assert "position: 5" in text and not re.search(r"\n\s+header: ", plain.read_text(encoding="utf-8"))
    for name, s in (("draft", schema), ("plain", plain)):
        assert cli("ingest", export, "-p", tmp_path / name, "-s", s, "-w", "1").exit_code == 0
    assert _stored(tmp_path / "plain") == _stored(tmp_path / "draft")


@pytest.mark.parametrize("header, error", [("''", None), ("", None), ("Comment", None),
                                           ("[a, b]", "'header' is the header text expected")])
def test_the_header_of_a_position_is_checked_by_schema_check(tmp_path: Path, header: str, error: str | None):
    from textmine.errors import InputError
    from textmine.schema import load_schema

    path = tmp_path / "s.yaml"
    path.write_text("survey: s\nquestions:\n  - id: a\n    type: open\n"
                    f"    column: {{position: 3, header: {header}}}\n", encoding="utf-8")
    if error:
        with pytest.raises(InputError, match=error):
            load_schema(path)
        return
    ref = load_schema(path).questions[0].column
    assert ref == 3 and ref.header == ("Comment" if header == "Comment" else "")


# --- a header row doubled or removed -------------------------------------------------------------

@pytest.mark.parametrize("fixture", ["surveymonkey_2row.csv", "surveymonkey_3row_codes.csv", "qualtrics_text.csv"])
def test_the_last_header_row_pasted_twice_is_named_as_a_header_row(tmp_path: Path, cli, fixture: str):
    """SurveyMonkey's option-name row pasted twice was refused as 'respondent id is empty':
    true, but it sends staff looking for a respondent."""
    rows = _rows(EXPORTS / fixture)
    schema = _draft(cli, EXPORTS / fixture, tmp_path)
    from textmine.schema import load_schema

    n = load_schema(schema).header_rows
    doubled = rows[:n] + [rows[n - 1]] + rows[n:]
    message = one_line_exit_2(cli("ingest", _write(tmp_path / "d.csv", doubled), "-p", tmp_path / "p", "-s", schema,
                                   "-w", "1"))
    assert f"d.csv, row {n + 1}" in message and "looks like a header row" in message, message
    assert not (tmp_path / "p").exists()


# --- the same responses pasted twice (no id column) --------------------------------------------------

@pytest.mark.parametrize("fixture", ["googleforms.csv"])
def test_responses_pasted_twice_without_an_id_column_are_an_error(tmp_path: Path, cli, fixture: str):
    """A Google Forms sheet downloaded on Monday and again on Friday, Friday's rows pasted under
    Monday's: with no id column the row number is the id, so every Monday respondent was stored
    twice (OSPO-style duplicates get 'respondent id ... also on row', these did not)."""
    rows = _rows(EXPORTS / fixture)
    schema = _draft(cli, EXPORTS / fixture, tmp_path)
    assert "\nid_column:" not in schema.read_text(encoding="utf-8")
    export = _write(tmp_path / "twice.csv", rows + rows[1:4])
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1"))
    assert f"twice.csv, row {len(rows) + 1}" in message and "row 2" in message, message
    assert "same" in message and "twice" in message, message
    assert not (tmp_path / "p").exists()


def test_two_respondents_with_the_same_answers_but_another_timestamp_both_count(tmp_path: Path, cli):
    rows = _rows(EXPORTS / "googleforms.csv")
    schema = _draft(cli, EXPORTS / "googleforms.csv", tmp_path)
    again = rows[1][:]
    again[0] = again[0].replace(":17", ":18")
    export = _write(tmp_path / "g.csv", rows + [again])
    result = cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1")
    assert result.exit_code == 0, result.output


def test_answers_typed_in_by_hand_may_repeat_without_an_id(tmp_path: Path):
    """Paper forms typed in, one row each, no other column: two alike respondents are two."""
    from textmine.ingest import read_table, validate
    from textmine.schema import Schema

    export = _write(tmp_path / "paper.csv", [["Vraag 1", "Vraag 2", "Opmerking"], ["Ja", "Eens", "goed"],
                                             ["Ja", "Eens", "goed"]], delimiter=";")
    schema = Schema.from_dict({"survey": "s", "questions": [
        {"id": "v1", "column": "Vraag 1", "type": "single", "options": ["Ja", "Nee"]},
        {"id": "v2", "column": "Vraag 2", "type": "single", "options": ["Eens", "Oneens"]},
        {"id": "op", "column": "Opmerking", "type": "open"}]}, "s.yaml")
    assert len(validate(read_table(export), schema).respondents) == 2


# --- option ranges Excel turned into dates -------------------------------------------------------

@pytest.mark.parametrize("cell", ["Feb-50", "10-Jan", "1-okt", "mrt-50"])
def test_a_range_option_excel_turned_into_a_date_says_so(tmp_path: Path, cell: str):
    """OSPO 2018's '2-50' employees, opened and saved by Excel, reads 'Feb-50': the error named
    the cell but not why; staff looked for a typo."""
    from textmine.errors import InputError
    from textmine.ingest import read_table, validate
    from textmine.schema import Schema

    export = _write(tmp_path / "x.csv", [["Respondent ID", "How many people work there?"], ["1", "51-250"],
                                         ["2", cell]])
    schema = Schema.from_dict({"survey": "s", "id_column": "Respondent ID", "questions": [
        {"id": "size", "column": "How many people work there?", "type": "single",
         "options": ["1-10", "2-50", "51-250"]}]}, "s.yaml")
    with pytest.raises(InputError, match=rf"x.csv, row 3, .*'{cell}' is not an option.*Excel turned .* into a date"):
        validate(read_table(export), schema)


@pytest.mark.parametrize("fixture", ["surveymonkey_2row.csv", "surveymonkey_3row_codes.csv", "qualtrics_text.csv"])
def test_a_header_row_removed_says_the_schema_counts_more_header_rows(tmp_path: Path, cli, fixture: str):
    """With SurveyMonkey's option row deleted the first respondent was read as a header row and
    the error was 'the id column is not in the export (did you mean "Respondent ID - 11873420000"?)'."""
    from textmine.schema import load_schema

    rows = _rows(EXPORTS / fixture)
    schema = _draft(cli, EXPORTS / fixture, tmp_path)
    n = load_schema(schema).header_rows
    export = _write(tmp_path / "cut.csv", rows[:n - 1] + rows[n:])
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "1"))
    assert "cut.csv, row 1" in message and f"header_rows: {n}" in message, message
    assert f"row {n} looks like answers" in message, message
    assert not (tmp_path / "p").exists()
