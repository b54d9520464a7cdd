"""Apply the edits staff make to an export (Excel, sorting, columns, total rows ...) and
check that each one ingests to the same data as the export untouched, or is refused with
one line naming file and row (exit 2, nothing stored, no traceback). Prints one line per
export and edit, and a count per verdict.

For every export: ``textmine schema infer`` drafts a schema, the untouched export is read
with it, then each edited copy is ingested with the same schema (in a scratch folder).
Verdicts: ``same`` (exit 0, same respondents and answers; without an id column the row
number is the id, so respondents are compared by their answers), ``subset`` (filtered
rows: the kept respondents only), ``error`` (exit 2 with one line, nothing stored) and
``WRONG`` (anything else: other data stored, a traceback, several lines, something stored
on failure). Edits expected to be refused count as WRONG when they ingest.

    .venv/bin/python scripts/check_export_edits.py EXPORT [EXPORT ...] [--work DIR] [--only EDIT]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def raw_rows(path: Path) -> list[list[str]]:
    """The CSV's records as text cells (UTF-8, else Windows-1252)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Write rows as Excel does: quoted only where needed, CRLF."""
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))  # Excel writes '?' too
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    """As Excel keeps an opened CSV: numbers become numbers."""
    import openpyxl

    def value(cell: str) -> object:
        if re.fullmatch(r"-?\d{1,15}", cell):
            return int(cell)
        if re.fullmatch(r"-?\d+\.\d+", cell):
            return float(cell)
        return cell if cell != "" else None

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    for r in rows:
        ws.append([value(c) for c in r])
    wb.save(path)
    return path


def excel_serial(cell: str) -> str:
    """A date-time cell as the serial number Excel shows for it (other cells unchanged)."""
    for fmt in ("%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"):
        try:
            when = dt.datetime.strptime(cell, fmt)
        except ValueError:
            continue
        return f"{(when - dt.datetime(1899, 12, 30)).total_seconds() / 86400:.5f}"
    return cell


def stored_data(path: Path, schema, sheet=None) -> tuple:
    """(respondent ids, closed answers, open answers) as ingest would store them."""
    from textmine.ingest import read_table, validate

    data = validate(read_table(path, sheet, schema.header_rows), schema)
    # numbers compared as numbers: '3.0', '3' and '3,0' are one value
    closed = Counter((a[0], a[1], a[2], a[3] if a[4] is None else float(a[4])) for a in data.answers)
    return {r[0] for r in data.respondents}, closed, Counter(o[:3] for o in data.open_answers)


def by_answers(data: tuple) -> Counter:
    """Respondents as the multiset of their answers (row-number ids change when rows move)."""
    resp, closed, opened = data
    per: dict[str, list] = {r: [] for r in resp}
    for (q, r, o, v), n in closed.items():
        per[r] += [(q, o, str(v))] * n
    for (q, r, t), n in opened.items():
        per[r] += [(q, "", t)] * n
    return Counter(tuple(sorted(v)) for v in per.values())


def edits(rows: list[list[str]], schema, table) -> list[tuple[str, str, Callable[[Path], Path]]]:
    """(name, expected verdict, writer) for every edit that applies to this export."""
    from textmine.ingest import _Columns

    h = schema.header_rows
    head, body = rows[:h], rows[h:]
    cols = _Columns(table)
    id_col = cols(schema.id_column, "id") if schema.id_column is not None else None
    used = {id_col} if id_col is not None else set()
    for q in schema.questions:
        used |= {cols(r, "q") for r in (q.columns.values() if q.columns else [q.column])}
    used |= {cols(r.column, "rule") for r in schema.include}
    width = len(table.headers)
    unused = [i for i in range(width) if i not in used]
    open_col = next(cols(q.column, "q") for q in schema.questions if q.type == "open")
    mid = width // 2

    def delete(i: int) -> list[list[str]]:
        return [r[:i] + r[i + 1:] for r in rows]

    def insert(i: int, cells: list[str]) -> list[list[str]]:
        return [r[:i] + [c] + r[i:] for r, c in zip(rows, cells)]

    def renamed(row: int, i: int, text: str) -> list[list[str]]:
        out = [r[:] for r in rows]
        out[row][i] = text
        return out

    def each_cell(change: Callable[[str], str]) -> list[list[str]]:
        return head + [[change(c) for c in r] for r in body]

    def range_to_date(cell: str) -> str:
        m = re.fullmatch(r"(\d{1,2})-(\d{2,})", cell.strip())
        return f"{m.group(2)[-2:]}-{MONTHS[int(m.group(1)) - 1]}" if m and 1 <= int(m.group(1)) <= 12 else cell

    notes = [("Opmerkingen" if k == h - 1 else "") if k < h else ("nagekeken" if k % 7 == 0 else "")
             for k in range(len(rows))]
    total = ["Totaal"] + [str(sum(1 for r in body if i < len(r) and r[i].strip())) for i in range(1, width)]
    if id_col not in (None, 0):
        total[id_col] = ""
    kept = [r for r in body if r[open_col].strip()]
    second = [r[:] for r in body]
    for r in second:
        if id_col is not None:
            r[id_col] += "9"
    out: list[tuple[str, str, Callable[[Path], Path]]] = [
        ("excel_csv_semicolon_cp1252", "same", lambda p: write_csv(p, rows, ";", "cp1252")),
        ("xlsx", "same", lambda p: write_xlsx(p.with_suffix(".xlsx"), rows)),
        ("rows_sorted", "same", lambda p: write_csv(p, head + sorted(body, key=lambda r: (r[open_col], r[0])))),
        ("unused_column_deleted", "same", lambda p: write_csv(p, delete(unused[len(unused) // 2]))),
        ("needed_column_deleted", "error", lambda p: write_csv(p, delete(open_col))),
        ("needed_header_renamed", "error", lambda p: write_csv(p, renamed(0, open_col, "Nieuwe naam"))),
        ("unused_header_renamed", "same", lambda p: write_csv(p, renamed(h - 1, unused[len(unused) // 2],
                                                                         "Hernoemd"))),
        ("total_row_counts", "error", lambda p: write_csv(p, rows + [total])),
        ("total_row_label", "error", lambda p: write_csv(p, rows + [["Totaal"] + [""] * (width - 1)])),
        ("empty_column_between", "same", lambda p: write_csv(p, insert(mid, [""] * len(rows)))),
        ("empty_column_first", "same", lambda p: write_csv(p, insert(0, [""] * len(rows)))),
        ("notes_column_last", "same", lambda p: write_csv(p, [r + [n] for r, n in zip(rows, notes)])),
        ("notes_column_between", "same", lambda p: write_csv(p, insert(mid, notes))),
        ("filtered_visible_rows", "subset", lambda p: write_csv(p, head + kept)),
        ("export_pasted_twice", "error", lambda p: write_csv(p, rows + rows)),
        ("second_export_pasted_under", "error", lambda p: write_csv(p, rows + head + second)),
        ("rows_pasted_again_no_header", "error", lambda p: write_csv(p, rows + body[:max(3, len(body) // 10)])),
        ("header_row_doubled", "error", lambda p: write_csv(p, rows[:h] + [rows[h - 1]] + rows[h:])),
    ]
    if h >= 2:
        out.append(("header_row_removed", "error", lambda p: write_csv(p, rows[:h - 1] + rows[h:])))
    if each_cell(excel_serial) != rows:
        out.append(("dates_to_excel_serials", "same", lambda p: write_csv(p, each_cell(excel_serial))))
    comma = each_cell(lambda c: re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", c))
    if comma != rows:
        out.append(("decimal_comma", "same", lambda p: write_csv(p, comma, ";")))
    if each_cell(range_to_date) != rows:
        out.append(("ranges_to_excel_dates", "error", lambda p: write_csv(p, each_cell(range_to_date))))
    if id_col is not None and all(re.fullmatch(r"\d{9,}", r[id_col]) for r in body):
        sci = [r[:] for r in rows]
        for r in sci[h:]:
            r[id_col] = f"{int(r[id_col]):.2E}"
        out.append(("ids_scientific_notation", "error", lambda p: write_csv(p, sci)))
    for q in schema.questions:
        if q.type == "multi" and q.in_one_cell:
            c = cols(q.column, "q")
            pieces = [[r[c]] if k < h else r[c].split(q.separator) for k, r in enumerate(rows)]
            wide = max(len(p) for p in pieces)
            split = [r[:c] + p + [""] * (wide - len(p)) + r[c + 1:] for r, p in zip(rows, pieces)]
            out.append(("checkbox_text_to_columns", "error", lambda p, s=split: write_csv(p, s)))
            break
    return out


def check(export: Path, work: Path, only: str | None) -> list[tuple[str, str, str, str]]:
    """(edit, expected, verdict, detail) for every edit of one export."""
    from typer.testing import CliRunner

    from textmine.cli import app
    from textmine.ingest import read_table
    from textmine.schema import load_schema

    runner = CliRunner()
    d = work / export.stem
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    draft = d / "schema.yaml"
    res = runner.invoke(app, ["schema", "infer", str(export), "--survey", "s", "--out", str(draft)])
    if res.exit_code:
        return [("(draft)", "", "WRONG", res.output.strip().splitlines()[-1])]
    schema = load_schema(draft)
    rows = raw_rows(export)
    # the reference: the export as written back with minimal quoting, as every edit is
    reference = write_csv(d / "reference.csv", rows)
    base = stored_data(reference, schema)
    ids_are_rows = schema.id_column is None
    results = []
    for name, expected, write in edits(rows, schema, read_table(export, None, schema.header_rows)):
        if only and only != name:
            continue
        path = write(d / f"{name}.csv")
        project = d / "project"
        shutil.rmtree(project, ignore_errors=True)
        res = runner.invoke(app, ["ingest", str(path), "-p", str(project), "-s", str(draft), "-w", "1"])
        stored = project.exists()
        if res.exit_code == 0:
            got = stored_data(path, schema)
            want, detail = base, "ingested"
            if "cp1252" in name:
                # Excel's 'CSV' writes what Windows-1252 cannot hold as '?': compare with that loss
                lossy = [[c.encode("cp1252", "replace").decode("cp1252") for c in r] for r in rows]
                lost = sum(a != b for r, q in zip(rows, lossy) for a, b in zip(r, q))
                want = stored_data(write_csv(d / "reference_cp1252.csv", lossy), schema)
                detail = f"ingested; {lost} cells hold characters Excel writes as '?'" if lost else detail
            if expected == "same":
                good = by_answers(got) == by_answers(want) if ids_are_rows else got == want
            elif expected == "subset":
                good = len(got[0]) <= len(base[0]) and (ids_are_rows or got[0] <= base[0])
            else:
                good = False
            results.append((name, expected, expected if good else "WRONG", detail))
            continue
        message = (res.stderr or res.output).strip()
        one_line = "\n" not in message and "Traceback" not in res.output
        good = res.exit_code == 2 and one_line and not stored and path.name in message and "row" in message
        verdict = "error" if good else "WRONG"
        if good and expected != "error":
            verdict = "error (same data would do)"
        results.append((name, expected, verdict, message.splitlines()[0][:160] if message else repr(res.exception)))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("exports", nargs="+", type=Path)
    ap.add_argument("--work", type=Path, help="keep the edited files and drafts here (default: a temporary folder)")
    ap.add_argument("--only", help="run this edit only")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="textmine-edits-"))
    verdicts: Counter = Counter()
    for export in args.exports:
        for name, expected, verdict, detail in check(export, work, args.only):
            verdicts[verdict] += 1
            print(f"{export.name[:38]:38} {name:28} {expected:7} {verdict:10} {detail}", flush=True)
    print("; ".join(f"{v}: {n}" for v, n in sorted(verdicts.items())))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
