"""Run the corpus test and print each file's outcome beside what a mature product should do with it.

    .venv/bin/python tests/tools/make_corpus/report.py [--markdown]

Outcomes: accepted-same, refused (with the first errors), ACCEPTED-WITH-DIFFERENT-SCORECARD (the test fails for
these), or crashed (the test failed before an outcome was known). Needs only the project's test environment.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TEST = "tests/integration/submissions/test_real_world_corpus.py"
MANIFEST = REPO / "tests" / "integration" / "submissions" / "corpus" / "MANIFEST.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    entries = {e["name"]: e for e in tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["file"]}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "outcomes.jsonl"
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider"], cwd=REPO,
                              env={**os.environ, "VP_CORPUS_REPORT": str(log)}, capture_output=True, text=True,
                              check=False)
        seconds = time.monotonic() - started
        outcomes = {}
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                outcomes[item["file"]] = item
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    rows = []
    for name, entry in sorted(entries.items()):
        item = outcomes.get(name, {"outcome": "crashed", "detail": []})
        outcome, detail = item["outcome"], item["detail"]
        shown = [f"row {r} {c}: {m}" for r, c, m in detail[:2]] if outcome == "refused" else detail
        text = " / ".join(shown)
        rows.append((name, entry["expect"], outcome, text))
    if args.markdown:
        print("| file | mature product | today | detail |\n| --- | --- | --- | --- |")
        for name, expect, outcome, text in rows:
            print(f"| {name} | {expect} | {outcome} | {text[:300].replace('|', '/')} |")
    else:
        for name, expect, outcome, text in rows:
            print(f"{outcome:34} {expect:7} {name:55} {text[:160]}")
    counts: dict[str, int] = {}
    for _name, _expect, outcome, _text in rows:
        counts[outcome] = counts.get(outcome, 0) + 1
    print()
    print(f"pytest: {summary} ({seconds:.1f} s with start-up)")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    gaps = [name for name, expect, outcome, _t in rows if expect == "accept" and outcome == "refused"]
    print(f"a mature product should accept but today refuses ({len(gaps)}): " + ", ".join(gaps))
    wrong = [name for name, _e, outcome, _t in rows if outcome.startswith("ACCEPTED-WITH")]
    print(f"accepted with a different scorecard ({len(wrong)}): " + ", ".join(wrong))


if __name__ == "__main__":
    main()
