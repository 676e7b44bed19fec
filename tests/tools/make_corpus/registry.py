"""The list of corpus files: how each is made, what shape it has and what a mature product should do with it."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Variant:
    name: str
    tool: str  # a template: {python} {openpyxl} {xlsxwriter} {pandas} {jaconv} {libreoffice} {node} {sheetjs} {exceljs}
    shape: str
    expect: str  # "accept" or "refuse": what a mature product should do
    why: str
    make: Callable | None  # make(ctx, path); None for the files the node script writes
    steps: str = ""  # how exactly, when the tool line is not enough


VARIANTS: list[Variant] = []


def variant(name: str, *, tool: str, shape: str, expect: str, why: str, steps: str = ""):
    assert expect in ("accept", "refuse"), expect

    def register(fn: Callable) -> Callable:
        assert all(v.name != name for v in VARIANTS), name
        VARIANTS.append(Variant(name, tool, shape, expect, why, fn, steps))
        return fn

    return register


def node_variant(name: str, *, tool: str, shape: str, expect: str, why: str, steps: str = "") -> None:
    assert expect in ("accept", "refuse"), expect
    assert all(v.name != name for v in VARIANTS), name
    VARIANTS.append(Variant(name, tool, shape, expect, why, None, steps))


class Context:
    """What a variant's maker gets: the reference rows, a scratch folder and LibreOffice."""

    def __init__(self, rows: list[dict], tmp: Path, out: Path) -> None:
        self.rows = rows
        self.tmp = tmp
        self.out = out
        self.profile = tmp / "lo-profile"

    def scratch(self, name: str) -> Path:
        folder = self.tmp / uuid.uuid4().hex[:8]
        folder.mkdir()
        return folder / name

    def soffice(self, source: Path, convert_to: str, target: Path, infilter: str | None = None) -> None:
        """Convert source with headless LibreOffice and move the result to target."""
        outdir = self.tmp / ("lo-" + uuid.uuid4().hex[:8])
        outdir.mkdir()
        command = ["soffice", f"-env:UserInstallation=file://{self.profile}", "--headless", "--norestore"]
        if infilter:
            command.append(f"--infilter={infilter}")
        command += ["--convert-to", convert_to, "--outdir", str(outdir), str(source)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        produced = list(outdir.iterdir())
        if done.returncode != 0 or len(produced) != 1:
            raise RuntimeError(f"soffice failed for {target.name}: {done.stdout} {done.stderr}")
        shutil.move(str(produced[0]), target)
