"""Bench: ingest a 100,000-row interval file through the API, against plain csv reading and as XLSX.

Prints each figure and ratio against the bounds of issue 3:
  API ingest of the CSV  <= 8 x  csv.reader on the same file
  API ingest of the XLSX <= 3 x  API ingest of the CSV
  peak memory of the serving process during the 100,000-row upload < 400 MB

Then it uploads each hostile XLSX file (see _hostile) through the API, each in a fresh process, and prints
how long the portal took to decide it (store or refuse) and the process's peak RSS, against the bounds
  every file within the upload limit (20 MB) is decided within 5 s, with the process under 400 MB.

Run: .venv/bin/python bench/ingest.py [--rows 100000] [--database-url URL] [--hostile-only] [--hostile NAME]
     .venv/bin/python bench/ingest.py --write-corpus tests/unit/submissions/bad_files   (the corpus copies)
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import best_of, make_app, verdict  # noqa: E402
from vendorportal.submissions.parsing import _column_letter  # noqa: E402

COLUMNS = ["date", "interval", "channel", "queue", "offered", "answered", "answered_within_sl", "abandoned",
           "abandoned_short", "agents_staffed", "wait_time_total_s", "handle_time_total_s", "resolved_first_contact",
           "resolved", "wait_le_20", "wait_le_120", "csat_responses", "csat_satisfied", "qa_evaluations",
           "qa_score_total"]


def make_csv(rows: int) -> bytes:
    """Return `rows` interval rows of one month: 15-minute intervals over 31 days, several queues."""
    rng = random.Random(1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    queue = 0
    while n < rows:
        for day in range(1, 32):
            for slot in range(96):
                if n >= rows:
                    break
                offered = rng.randint(0, 60)
                answered = rng.randint(0, offered)
                abandoned = offered - answered
                within = rng.randint(0, answered)
                le120 = rng.randint(within, answered)
                csat = rng.randint(0, 5)
                writer.writerow([f"2026-03-{day:02d}", f"{slot // 4:02d}:{slot % 4 * 15:02d}", "phone", f"q{queue}",
                                 offered, answered, within, abandoned, rng.randint(0, abandoned), rng.randint(1, 30),
                                 answered * 20, answered * 250, rng.randint(0, answered), answered, within, le120,
                                 csat, rng.randint(0, csat), 1, rng.randint(50, 100)])
                n += 1
        queue += 1
    return out.getvalue().encode()


def to_xlsx(data: bytes) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    for i, row in enumerate(csv.reader(io.StringIO(data.decode()))):
        sheet.append(row if i == 0 else [row[0], row[1], row[2], row[3], *map(int, row[4:])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def setup(app):
    from vendorportal.auth import services as auth
    from vendorportal.contracts import services as contracts
    from vendorportal.extensions import db
    from vendorportal.targets import services as targets
    from vendorportal.vendors import services as vendors

    with app.app_context():
        vendor = vendors.create_vendor(db.session, {"name": "Bench", "code": "BENCH", "tier": "high"})
        contract = contracts.create_contract(db.session, {
            "vendor_id": vendor.id, "reference": "BENCH-1", "title": "Bench", "channels": ["phone"],
            "start_date": "2026-01-01", "end_date": "2027-12-31", "monthly_fee": "1000000"})
        for metric in ("service_level", "answer_rate", "asa", "aht", "csat", "qa_score"):
            targets.add_target(db.session, None, contract, {"metric": metric, "kind": "kpi", "target": "1",
                                                             "effective_from": "2026-01"})
        user = auth.create_user(db.session, email="bench@client.example", name="Bench", role="manager",
                                password="bench password 123")
        _row, token = auth.create_token(db.session, user, "bench")
        db.session.commit()
        return contract.id, token


def ingest(client, contract_id: int, token: str, data: bytes, name: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/contracts/{contract_id}/submissions", headers=headers,
                           data={"period": "2026-03", "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    sub = response.get_json()["id"]
    assert client.post(f"/api/v1/submissions/{sub}/accept", headers=headers).status_code == 200
    card = client.get(f"/api/v1/contracts/{contract_id}/scorecard?period=2026-03", headers=headers)
    assert card.status_code == 200 and card.get_json()["has_data"]


def _high_water_mb() -> float:
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's peak across exec on Linux.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(path: str, database_url: str | None) -> None:
    """Upload one file in a fresh process and print that process's peak RSS (MB) as JSON."""
    app = make_app(database_url)
    contract_id, token = setup(app)
    data = Path(path).read_bytes()
    before = _high_water_mb()
    ingest(app.test_client(), contract_id, token, data, "month.csv")
    peak = _high_water_mb()
    print(json.dumps({"before_mb": round(before, 1), "peak_mb": round(peak, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--memory-child")
    parser.add_argument("--hostile-child")
    parser.add_argument("--hostile", help="run the hostile section for this file only")
    parser.add_argument("--hostile-only", action="store_true", help="skip the ingest figures")
    parser.add_argument("--hostile-timeout", type=float, default=120, help="seconds before a file counts as hung")
    parser.add_argument("--write-corpus", metavar="FOLDER")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.database_url)
        return
    if args.hostile_child:
        hostile_child(args.hostile_child, args.database_url)
        return
    if args.write_corpus:
        write_corpus(args.write_corpus)
        return
    if args.hostile_only or args.hostile:
        hostile_section(args.database_url, args.hostile, args.hostile_timeout)
        return
    data = make_csv(args.rows)
    xlsx = to_xlsx(data)
    print(f"file: {args.rows} rows x {len(COLUMNS)} columns, CSV {len(data) / 1e6:.1f} MB, XLSX {len(xlsx) / 1e6:.1f} MB")

    app = make_app(args.database_url)
    path = Path(app.instance_path) / "bench.csv"
    path.write_bytes(data)

    def read_with_csv():
        with path.open(newline="", encoding="utf-8") as f:
            return list(csv.reader(f))

    def stream_with_csv():
        with path.open(newline="", encoding="utf-8") as f:
            return sum(1 for _ in csv.reader(f))

    plain = best_of(read_with_csv)  # the bound's baseline: the csv module reads the file into rows
    streamed = best_of(stream_with_csv)
    contract_id, token = setup(app)
    client = app.test_client()
    # Each run is a new version of the month: the month is reopened by deleting nothing, so use new periods.
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        ingest(client, contract_id, token, data, "month.csv")
        runs.append(time.perf_counter() - start)
        _reopen(app, contract_id)
    csv_ingest = min(runs)
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        ingest(client, contract_id, token, xlsx, "month.xlsx")
        runs.append(time.perf_counter() - start)
        _reopen(app, contract_id)
    xlsx_ingest = min(runs)

    child = [sys.executable, __file__, "--memory-child", str(path)]
    if args.database_url:
        child += ["--database-url", args.database_url]
    memory = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])

    ratio_csv, ratio_xlsx = csv_ingest / plain, xlsx_ingest / csv_ingest
    print(f"csv.reader, rows read into a list (baseline): {plain:8.3f} s")
    print(f"csv.reader, rows streamed and dropped:        {streamed:8.3f} s   (for reference; "
          f"ingest is {csv_ingest / streamed:.1f} x this)")
    print(f"API ingest, CSV:                              {csv_ingest:8.3f} s   ratio {ratio_csv:5.2f} x csv.reader (bound 8)   "
          f"{verdict(ratio_csv <= 8)}")
    print(f"API ingest, XLSX:                             {xlsx_ingest:8.3f} s   ratio {ratio_xlsx:5.2f} x CSV ingest (bound 3)   "
          f"{verdict(ratio_xlsx <= 3)}")
    print(f"peak RSS, serving process:                    {memory['peak_mb']:8.1f} MB  (bound 400 MB; {memory['before_mb']} MB before "
          f"the upload)   {verdict(memory['peak_mb'] < 400)}")
    hostile_section(args.database_url, timeout=args.hostile_timeout)


# ---- hostile files -------------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>offered</t></is></c>' \
         '<c r="C1" t="inlineStr"><is><t>answered</t></is></c></row>'
DATE_STYLES = (f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
               "</styleSheet>")


def workbook(sheet: str | bytes | Callable, *, shared: str | None = None, styles: str | None = None,
             workbook_xml: str | None = None, rels: str | None = None, extra: dict[str, bytes] | None = None,
             level: int = 6) -> bytes:
    """Return an XLSX whose first sheet is sheet (XML text, or a function writing it to a binary file)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": workbook_xml or (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="data" '
                                            'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": rels or (
            f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" Type="{REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>' if styles else "")
            + (f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
            + "</Relationships>"),
    }
    if styles:
        parts["xl/styles.xml"] = styles
    if shared:
        parts["xl/sharedStrings.xml"] = shared
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        if callable(sheet):
            with archive.open("xl/worksheets/sheet1.xml", "w") as out:
                sheet(out)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(rows: str, root_attrs: str = "", head: str = "") -> str:
    return f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"{root_attrs}>{head}<sheetData>{rows}</sheetData></worksheet>'


def streamed_rows(rows, root_attrs: str = "", prefix: str = "") -> Callable:
    """Return a writer of a sheet whose rows come from the iterable rows (text), so none is held at once."""
    def write(out) -> None:
        name = f"{prefix}:" if prefix else ""
        declare = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
        out.write(f"<{name}worksheet {declare}{root_attrs}><{name}sheetData>".encode())
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 2000:
                out.write("".join(batch).encode())
                batch = []
        out.write("".join(batch).encode())
        out.write(f"</{name}sheetData></{name}worksheet>".encode())
    return write


def _noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=n))


def _long_root(n: int = 2000) -> str:
    # Namespace declarations are legal in any number; 2,000 of them make a root tag of about 60 kB.
    return "".join(f' xmlns:n{i}="urn:example:namespace:{i:05d}"' for i in range(n))


def _unreferenced_strings(count: int, distinct: bool = True) -> bytes:
    # Strings varied enough that the part compresses less than 100:1, like real text; one cell uses one.
    rng = random.Random(3)
    strings = "".join(f"<si><t>s{n:07d}</t></si>" if distinct else f"<si><t>{rng.choice('ab')}</t></si>"
                      for n in range(count))
    return workbook(sheet_xml(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
                    shared=f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{strings}</sst>')


def _many_sheets(count: int) -> bytes:
    sheets = "".join(f'<sheet name="s{n}" sheetId="{n + 1}" r:id="rId{n + 1}"/>' for n in range(count))
    rels = "".join(f'<Relationship Id="rId{n + 1}" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                   for n in range(count))
    return workbook(sheet_xml(HEADER), workbook_xml=f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}'
                    "</sheets></workbook>", rels=f'<Relationships xmlns="{PACKAGE_REL}">{rels}</Relationships>')


def _zip_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(count):
            archive.writestr(f"x/{n}", b"")
    return buffer.getvalue()


def _hostile() -> dict[str, Callable[[], bytes]]:
    rng = random.Random(7)
    return {
        # The reported case: one row of 30,000 empty cells written with a space before each ">".
        "wide_row_spaced_tags": lambda: workbook(sheet_xml('<row r="1">' + "<c ></c >" * 30_000 + "</row>")),
        # Legal spellings the streamed layout does not use, over a million cells: each row goes to ElementTree.
        "spaced_tags_1m_cells": lambda: workbook(streamed_rows(
            f'<row r="{n}" >' + "".join(f"<c r='{_column_letter(i)}{n}' ><v >{n}</v ></c >" for i in range(50)) + "</row >"
            for n in range(1, 20_001))),
        "unreferenced_shared_strings_4m": lambda: _unreferenced_strings(4_000_000),
        # A 60 kB root tag and 20,000 rows outside the streamed layout (the reference is not the first attribute).
        "long_root_irregular_rows": lambda: workbook(streamed_rows(
            (f'<row r="{n}"><c s="0" r="A{n}"><v>{n}</v></c><c t="inlineStr" r="B{n}"><is><t>q</t></is></c></row>'
             for n in range(1, 20_001)), root_attrs=_long_root())),
        "long_root_rich_shared_strings": lambda: workbook(
            sheet_xml(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
            shared=f'<sst xmlns="{MAIN}"{_long_root()}>'
                   + "".join(f"<si><r><t>a{n}</t></r><r><t>b</t></r></si>" for n in range(90_000)) + "</sst>"),
        "huge_attribute_values": lambda: workbook(sheet_xml(HEADER + "".join(
            f'<row r="{n}"><c r="A{n}" x="{_noise(rng, 1_500_000)}"><v>{n}</v></c></row>' for n in range(2, 12)))),
        "deep_nesting": lambda: _deep_nesting(rng, 400_000),
        "many_tiny_rows": lambda: workbook(streamed_rows(
            f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 1_048_577))),
        "many_empty_rows": lambda: workbook(streamed_rows(f'<row r="{n}"></row>' for n in range(1, 1_048_577))),
        # Rows of 16,384 cells (a few with a value, so the part compresses less than 100:1) right of a
        # 3-column header, then the same under a header 16,384 columns wide.
        "cells_right_of_header": lambda: workbook(streamed_rows(itertools.chain(
            [HEADER], (_sparse_row(rng, n) for n in range(2, 1_000))))),
        "wide_header_16384": lambda: workbook(streamed_rows(itertools.chain(
            ['<row r="1">' + "<c><v>1</v></c>" * 16_384 + "</row>"], (_sparse_row(rng, n) for n in range(2, 1_000))))),
        "far_cell_xfd1048576": lambda: workbook(sheet_xml(
            HEADER + '<row r="2"><c r="A2" s="1"><v>46113</v></c><c r="B2"><v>10</v></c><c r="C2"><v>9</v></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'), styles=DATE_STYLES),
        "dimension_a1_xfd1048576": lambda: workbook(sheet_xml(
            HEADER + '<row r="2"><c r="A2" s="1"><v>46113</v></c><c r="B2"><v>10</v></c><c r="C2"><v>9</v></c></row>',
            head='<dimension ref="A1:XFD1048576"/>'), styles=DATE_STYLES),
        "many_sheets": lambda: _many_sheets(400_000),
        "huge_format_code": lambda: workbook(sheet_xml(HEADER + '<row r="2"><c r="A2" s="1"><v>46113</v></c></row>'),
                                             styles=f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt '
                                                    f'numFmtId="164" formatCode="{"[" * 900_000}"/></numFmts>'
                                                    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/>'
                                                    "</cellXfs></styleSheet>"),
        "huge_cell_reference": lambda: workbook(sheet_xml(HEADER + f'<row r="2"><c t="n" r="{"A" * 900_000}2"><v>1</v>'
                                                                   "</c></row>")),
        "huge_number_prefixed": lambda: workbook(
            f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>'
            f'{"".join(rng.choices("0123456789", k=10_000_000))}</x:v></x:c></x:row></x:sheetData></x:worksheet>'),
        "zip_150k_entries": lambda: _zip_entries(150_000),
        "unique_attribute_spellings": lambda: workbook(streamed_rows(
            f'<row r="{n}">' + "".join(f'<c cm="{n * 20 + i}"><v>1</v></c>' for i in range(20)) + "</row>"
            for n in range(1, 50_001))),
        "unique_date_serials": lambda: workbook(streamed_rows(
            f'<row r="{n}">' + "".join(f'<c s="1"><v>{40000 + n * 0.001 + i * 0.000001:.7f}</v></c>' for i in range(20))
            + "</row>" for n in range(1, 50_001)), styles=DATE_STYLES),
        # Legal and honest: the prefixed layout of the .NET Open XML SDK, 100,000 rows.
        "prefixed_100k_rows": lambda: workbook(streamed_rows(
            (f'<x:row r="{n}">' + "".join(f'<x:c r="{_column_letter(i)}{n}"><x:v>{n + i}</x:v></x:c>' for i in range(20))
             + "</x:row>" for n in range(1, 100_001)), prefix="x")),
    }


def _sparse_row(rng: random.Random, number: int) -> str:
    return f'<row r="{number}">' + "".join(f"<c><v>{rng.randint(0, 9)}</v></c>" if rng.random() < 0.02 else "<c/>"
                                           for _ in range(16_384)) + "</row>"


def _deep_nesting(rng: random.Random, depth: int) -> bytes:
    names = [f"e{rng.randint(0, 999_999)}" for _ in range(depth)]
    return workbook(sheet_xml(HEADER + '<row r="2"><c r="A2"><v>1</v></c><extLst>' + "".join(f"<{n}>" for n in names)
                              + "".join(f"</{n}>" for n in reversed(names)) + "</extLst></row>"))


# The corpus copies in tests/unit/submissions/bad_files: the same layouts, small enough to keep in the repo.
# (Not the far cell nor the long cell reference: python-calamine, which submissions/fastpath.py runs on clean
# sheets, aborts the whole process on those, and the integration test posts the corpus through the API.)
CORPUS = {
    "wide_row_spaced_tags.xlsx": lambda: workbook(sheet_xml('<row r="1">' + "<c ></c >" * 30_000 + "</row>"),
                                                  level=9),
    "unreferenced_shared_strings.xlsx": lambda: _unreferenced_strings(110_000, distinct=False),
    # Excel 4.0 macros live in a macro sheet, not in vbaProject.bin.
    "excel4_macro_sheet.xlsx": lambda: workbook(sheet_xml(HEADER), extra={
        "xl/macrosheets/sheet1.xml": f'<xm:macrosheet xmlns:xm="{MAIN}"><xm:sheetData/></xm:macrosheet>'}),
    "huge_number_in_prefixed_sheet.xlsx": lambda: workbook(
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
        + "".join(f'<x:c t="inlineStr"><x:is><x:t>{name}</x:t></x:is></x:c>' for name in (
            "date", "offered", "answered", "answered_within_sl", "abandoned", "abandoned_short"))
        + f'</x:row><x:row r="2"><x:c t="str"><x:v>2026-04-01</x:v></x:c><x:c><x:v>{"7" * 900_000}</x:v></x:c>'
        + "<x:c><x:v>1</x:v></x:c>" * 4 + "</x:row></x:sheetData></x:worksheet>", level=9),
}


def hostile_child(path: str, database_url: str | None) -> None:
    """Upload one hostile file in a fresh process; print the seconds it took, the outcome and the peak RSS."""
    data = Path(path).read_bytes()
    name = Path(path).stem
    app = make_app(database_url)
    contract_id, token = setup(app)
    client = app.test_client()
    before = _high_water_mb()
    start = time.perf_counter()
    cpu = time.process_time()
    response = client.post(f"/api/v1/contracts/{contract_id}/submissions", headers={"Authorization": f"Bearer {token}"},
                           data={"period": "2026-03", "file": (io.BytesIO(data), f"{name}.xlsx")},
                           content_type="multipart/form-data")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    body = response.get_json() or {}
    details = body.get("error", {}).get("details") or [{}]
    outcome = "stored" if response.status_code == 201 else f"{response.status_code}: {details[0].get('message', '')}"
    print(json.dumps({"seconds": round(seconds, 3), "cpu": round(cpu, 3), "size": len(data), "outcome": outcome,
                      "before_mb": round(before, 1), "peak_mb": round(_high_water_mb(), 1)}))


def hostile_section(database_url: str | None, only: str | None = None, timeout: float = 120) -> None:
    print("hostile files (each decided within 5 s, peak RSS under 400 MB; a fresh process each):")
    folder = Path(tempfile.mkdtemp(prefix="vp-hostile-"))
    for name, make in _hostile().items():
        if only and name != only:
            continue
        path = folder / f"{name}.xlsx"
        path.write_bytes(make())  # made here, so that the child's peak RSS is the upload's alone
        child = [sys.executable, __file__, "--hostile-child", str(path)]
        if database_url:
            child += ["--database-url", database_url]
        try:
            run = subprocess.run(child, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"  {name:32} still undecided after {timeout:.0f} s   OVER BOUND")
            continue
        finally:
            path.unlink()
        if run.returncode != 0:
            said = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith(("INFO", " "))]
            print(f"  {name:32} the process died (exit {run.returncode}: {(said or ['?'])[0][:90]})   OVER BOUND")
            continue
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        ok = figures["seconds"] <= 5 and figures["peak_mb"] < 400
        print(f"  {name:32} {figures['size'] / 1e6:6.2f} MB  {figures['seconds']:6.2f} s (cpu {figures['cpu']:5.2f})  "
              f"peak RSS {figures['peak_mb']:6.1f} MB   {verdict(ok)}   {figures['outcome'][:90]}")


def write_corpus(folder: str) -> None:
    for name, make in CORPUS.items():
        data = make()
        (Path(folder) / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


def _reopen(app, contract_id: int) -> None:
    """Mark the month's accepted versions returned so the next run may upload again (bench only)."""
    from sqlalchemy import update

    from vendorportal.extensions import db
    from vendorportal.submissions.models import Submission

    with app.app_context():
        db.session.execute(update(Submission).where(Submission.contract_id == contract_id,
                                                    Submission.status == "accepted").values(status="returned"))
        db.session.commit()


if __name__ == "__main__":
    main()
