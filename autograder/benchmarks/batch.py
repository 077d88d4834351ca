"""grade-all throughput and per-submission overhead.

    python -m autograder.benchmarks.batch

On a bundled batch (hw1_autograd: the reference solution, the stub and the
partial sample, COPIES times each), grades everything with 1 and then 2 jobs
(`force`, so nothing is skipped) and reports submissions per minute. Then
splits one submission's cost: starting its grading process (Python and the
grader's imports, torch included), starting the worker in the sandbox
(launcher, namespaces, torch import in the worker) and the tests themselves;
the first two are the overhead, given as a share of the grading time.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.assignment import REPO_ROOT, config, probe_source, test_files
from autograder.batch import grade_folders

HW = "hw1_autograd"
COPIES = 2


def bundled_batch(dest: Path) -> dict[str, Path]:
    sources = {"solution": REPO_ROOT / "solutions" / HW, "stub": REPO_ROOT / "student_template" / HW,
               "partial": REPO_ROOT / "tests" / "samples" / HW / "partial"}
    found = {}
    for i in range(COPIES):
        for name, source in sources.items():
            found[f"{name}_{i}"] = shutil.copytree(source, dest / f"{name}_{i}")
    return found


def grader_start_seconds(repeats: int = 3) -> float:
    """A fresh process that imports what `python -m autograder grade` imports."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import autograder.grade, autograder.engine"],
                       check=True, cwd=REPO_ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def worker_start_seconds(repeats: int = 3) -> tuple[float, str]:
    """Launcher + sandbox + worker up to its hello (torch and the student's file imported)."""
    from autograder.engine import WorkerSession
    files = test_files(HW)
    times, mode = [], ""
    for _ in range(repeats):
        session = WorkerSession(config(HW), REPO_ROOT / "solutions" / HW,
                                {p.stem: probe_source(p) for p in files})
        t0 = time.perf_counter()
        session.start()
        times.append(time.perf_counter() - t0)
        mode = session.sandbox.report.get("mode", "")
        session.close()
    return statistics.median(times), mode


def run() -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        subs = bundled_batch(Path(tmp) / "subs")
        rates, walls, engine = {}, [], []
        for jobs in (1, 2):
            t0 = time.perf_counter()
            outcomes = grade_folders(HW, subs, Path(tmp) / f"out{jobs}", jobs=jobs, force=True,
                                     progress=False)
            elapsed = time.perf_counter() - t0
            rates[jobs] = 60 * len(outcomes) / elapsed
            lines.append(f"grade-all, {len(outcomes)} {HW} submissions, {jobs} job"
                         f"{'s' if jobs > 1 else ''}: {rates[jobs]:.1f} submissions/min "
                         f"({elapsed:.0f} s)")
            if jobs == 1:
                walls = [o.seconds for o in outcomes]
                engine = [o.grading_seconds for o in outcomes]
    lines.append(f"2 jobs vs 1: {rates[2] / rates[1]:.2f}x on {os.cpu_count()} CPUs")
    grader = grader_start_seconds()
    worker, mode = worker_start_seconds()
    wall = statistics.mean(walls)
    tests = max(statistics.mean(engine) - worker, 0.0)
    overhead = grader + worker
    lines.append(f"one submission (1 job): {wall:.1f} s in its grading process; tests "
                 f"{tests:.1f} s, overhead {overhead:.1f} s = {overhead / wall:.0%} of it")
    lines.append(f"  grading process start and imports: {grader:.1f} s; worker start in the "
                 f"sandbox ({mode} mode: launcher, torch import): {worker:.1f} s")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
