"""grade-all throughput and per-submission overhead, as ratios to a bare torch import.

    python -m autograder.benchmarks.batch

Measured side by side in one run, against `python -c "import torch"` (the cost
every fresh Python process that grades pays):
  - `autograder check hw1_autograd` end to end on the reference (goal <= 1.5x);
  - grade-all of hw1_autograd, --jobs 1, time per submission (goal <= 0.5x);
  - grade-all of 60 hw1_autograd submissions (reference, stub and partial sample,
    20 each), --jobs 2, submissions per minute (goal >= 100);
and the same batch the cold way (AUTOGRADER_WARM=0: one `python -m autograder
grade` process per submission) for comparison.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.core.assignment import REPO_ROOT
from autograder.core.batch import grade_folders

HW = "hw1_autograd"
COPIES = 20  # of each of the three sources: 60 submissions
SINGLE = 6  # submissions timed one at a time (--jobs 1)


def bundled_batch(dest: Path, copies: int = COPIES) -> dict[str, Path]:
    sources = {
        "solution": REPO_ROOT / "solutions" / HW,
        "stub": REPO_ROOT / "student_template" / HW,
        "partial": REPO_ROOT / "tests" / "samples" / HW / "partial",
    }
    found = {}
    for i in range(copies):
        for name, source in sources.items():
            found[f"{name}_{i:02d}"] = shutil.copytree(source, dest / f"{name}_{i:02d}")
    return found


def timed(argv: list[str], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def batch_rate(subs: dict[str, Path], out: Path, jobs: int, warm: bool) -> tuple[float, float]:
    """(submissions per minute, mean seconds per submission)."""
    before = os.environ.get("AUTOGRADER_WARM")
    os.environ["AUTOGRADER_WARM"] = "1" if warm else "0"
    try:
        t0 = time.perf_counter()
        outcomes = grade_folders(HW, subs, out, jobs=jobs, force=True, progress=False)
        elapsed = time.perf_counter() - t0
    finally:
        if before is None:
            os.environ.pop("AUTOGRADER_WARM")
        else:
            os.environ["AUTOGRADER_WARM"] = before
    return 60 * len(outcomes) / elapsed, elapsed / len(outcomes)


def run() -> list[str]:
    torch_import = timed([sys.executable, "-c", "import torch"])
    check = timed(
        [sys.executable, "-m", "autograder", "check", HW, str(REPO_ROOT / "solutions" / HW)],
        repeats=2,
    )
    lines = [
        f"bare `python -c 'import torch'`: {torch_import:.2f} s",
        f"`check {HW}` end to end: {check:.2f} s = {check / torch_import:.2f}x a torch import "
        f"(goal <= 1.5x)",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        subs = bundled_batch(Path(tmp) / "subs")
        few = dict(list(subs.items())[:SINGLE])
        for warm in (True, False):
            kind = "warm servers" if warm else "cold (AUTOGRADER_WARM=0)"
            _, each = batch_rate(few, Path(tmp) / f"one-{warm}", 1, warm)
            lines.append(
                f"grade-all {HW}, --jobs 1, {kind}: {each:.2f} s per submission = "
                f"{each / torch_import:.2f}x a torch import (goal <= 0.5x)"
            )
            rate, _ = batch_rate(subs, Path(tmp) / f"two-{warm}", 2, warm)
            lines.append(
                f"grade-all {len(subs)} {HW} submissions, --jobs 2, {kind}: "
                f"{rate:.0f} submissions/min (goal >= 100) on {os.cpu_count()} CPUs"
            )
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
