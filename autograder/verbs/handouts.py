"""`autograder handouts [hw ...] --out-dir dist`: what the instructor hands out.

Writes dist/<hw>-student.zip for each assignment: the folder `make student`
writes (student_template/<hw>/: handout, stub, notebook, public tests, config)
under the top folder <hw>/, with the grader's wheel in <hw>/grader/, so a
student needs nothing else from the repository: the handout's "Check your
work" section gives the set-up commands (`pip install --find-links grader ...`).
"""

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

from .. import __version__
from ..settings import REPO_ROOT, all_assignments, require_course

DIST_NAME = "dl_homework_grader"  # the wheel's file name prefix (pyproject's name, normalised)
WHEEL = f"{DIST_NAME}-{__version__}-py3-none-any.whl"


def build_wheel(out_dir: Path) -> Path:
    """The grader's wheel, built offline from this checkout (always anew: a wheel left
    from an earlier build may not hold the code of today)."""
    wheel = Path(out_dir) / WHEEL
    wheel.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--wheel",
            "--outdir",
            str(out_dir),
            str(REPO_ROOT),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return wheel


def build(hw: str, out_dir: Path, wheel: Path) -> Path:
    template = require_course("handouts").template / hw
    output = Path(out_dir) / f"{hw}-student.zip"
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(template.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, f"{hw}/{path.relative_to(template)}")
        archive.write(wheel, f"{hw}/grader/{wheel.name}")
    return output


def main(hws: list[str], out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(out)
    for hw in hws or all_assignments():
        print(f"wrote {build(hw, out, wheel)}")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw", nargs="*", help="assignments (default: all)")
    p.add_argument("--out-dir", default="dist")


def run(args: argparse.Namespace) -> int:
    return main(args.hw, args.out_dir)
