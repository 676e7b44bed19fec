"""Rebuild the upload corpus: tests/integration/submissions/corpus/*.{csv,tsv,txt,xlsx,ods,xls} and MANIFEST.toml.

Needs LibreOffice (soffice), node + npm and the Python packages of requirements.txt; see README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_OUT = REPO / "tests" / "integration" / "submissions" / "corpus"
sys.path.insert(0, str(HERE))

import jaconv  # noqa: E402
import openpyxl  # noqa: E402
import pandas  # noqa: E402
import reference  # noqa: E402
import variants  # noqa: E402, F401 - registers the makers
import xlsxwriter  # noqa: E402
from registry import VARIANTS, Context  # noqa: E402


def _run(command: list[str], **kwargs) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _reference_json(rows: list[dict]) -> dict:
    return {
        "columns": reference.COLUMNS, "measures": reference.MEASURES, "headers_en": reference.HEADERS_EN,
        "headers_ja": reference.HEADERS_JA, "channels_ja": reference.CHANNELS_JA,
        "rows": [{**r, "date": r["date"].isoformat(), "interval": reference.iso_interval(r) or None} for r in rows],
    }


def _toml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or integer is a TOML basic string or integer


def write_manifest(out: Path, versions: dict, rows: list[dict]) -> None:
    lines = [
        "# The upload corpus: one month (2026-10) of the same counts in many real-world shapes.",
        "# Written by tests/tools/make_corpus/build.py; do not edit by hand (see its README).",
        "# expect = what a mature product should do with the file; the test only demands that a file is either",
        "# accepted with the reference file's scorecard or refused with every error located.",
        "",
        "[reference]",
        f"file = {_toml('reference.csv')}",
        f"period = {_toml(reference.PERIOD)}",
        f"rows = {len(rows)}",
        "",
        "[tools]",
        *(f"{key} = {_toml(value)}" for key, value in sorted(versions.items())),
    ]
    for channel in ("phone", "email"):
        lines += ["", f"[reference.totals.{channel}]",
                  *(f"{m} = {v}" for m, v in reference.totals(rows, channel).items())]
    for v in VARIANTS:
        data = (out / v.name).read_bytes()
        lines += ["", "[[file]]", f"name = {_toml(v.name)}", f"tool = {_toml(v.tool.format(**versions))}",
                  f"shape = {_toml(v.shape)}", f"expect = {_toml(v.expect)}", f"why = {_toml(v.why)}"]
        if v.steps:
            lines.append(f"steps = {_toml(v.steps)}")
        lines += [f"bytes = {len(data)}", f"sha256 = {_toml(hashlib.sha256(data).hexdigest())}"]
    (out / "MANIFEST.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--keep-tmp", action="store_true", help="keep the scratch folder (LibreOffice inputs, node)")
    args = parser.parse_args()
    for tool in ("soffice", "node", "npm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed; see README.md")
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    tmp = Path(tempfile.mkdtemp(prefix="vp-corpus-"))
    try:
        rows = reference.reference_rows()
        node_dir = tmp / "node"
        node_dir.mkdir()
        for name in ("package.json", "variants.js"):
            shutil.copy(HERE / "node" / name, node_dir / name)
        _run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=node_dir)
        node_versions = json.loads(_run(["node", "variants.js", "versions"], cwd=node_dir))
        versions = {
            "python": platform.python_version(), "openpyxl": openpyxl.__version__,
            "xlsxwriter": xlsxwriter.__version__, "pandas": pandas.__version__, "jaconv": jaconv.__version__,
            "libreoffice": _run(["soffice", "--version"]).split()[1], **node_versions,
        }
        ctx = Context(rows, tmp, out)
        for v in VARIANTS:
            if v.make is not None:
                v.make(ctx, out / v.name)
                print(f"made {v.name}")
        (tmp / "reference.json").write_text(json.dumps(_reference_json(rows), ensure_ascii=False), encoding="utf-8")
        for mode, tz in (("utc", "UTC"), ("tokyo", "Asia/Tokyo")):
            _run(["node", "variants.js", mode, str(tmp / "reference.json"), str(out)], cwd=node_dir,
                 env={**os.environ, "TZ": tz})
        made = {p.name for p in out.iterdir() if p.is_file()}
        listed = {v.name for v in VARIANTS}
        if made != listed:
            raise SystemExit(f"made but not listed: {sorted(made - listed)}; listed but not made: "
                             f"{sorted(listed - made)}")
        write_manifest(out, versions, rows)
        size = sum(p.stat().st_size for p in out.iterdir())
        print(f"{len(VARIANTS)} files, {size:,} bytes in {out}")
    finally:
        if args.keep_tmp:
            print(f"scratch folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
