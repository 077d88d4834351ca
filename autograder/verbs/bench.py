"""`make bench`: speed and memory, measured side by side in one run.

For each assignment, grades the reference solution in a fresh process with one
torch thread, on two builds: this environment (.venv, CUDA torch with
torchvision) and the CPU build Gradescope installs (.venv-cpu: torch 2.13.0+cpu
from local disk, no torchvision; made here when missing). Prints wall time, the
ratio of total grading time to the summed time of the test bodies, and the peak
memory of grader and worker together: PSS summed over every process of the
grading tree, sampled every 50 ms from /proc/<pid>/smaps_rollup (PSS counts a
page shared by n processes as 1/n in each, so torch's libraries count once).
Goals (Gradescope's default container: half a vCPU, 768 MB): ratio <= 1.2x,
PSS <= 768 MB on the CPU build, <= 60 s. Then runs each assignment's own
benchmark module in autograder/benchmarks/, which print ratios of their own
(benchmarks/batch.py: `check` end to end, grade-all per submission and
throughput, each against a bare torch import), and `calibrate` with a few
seeds for the assignments judged by thresholds.

    python -m autograder.verbs.bench [hw ...]      # some assignments only, no benchmarks
"""

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..core.assignment import REPO_ROOT
from ..settings import all_assignments

BUDGET_MB = 768
CALIBRATED = ["hw2_logistic", "hw4_regularization", "project_cifar10"]
CALIBRATE_SEEDS = 3  # a quick look; the config comments come from 10 seeds
CPU_VENV = REPO_ROOT / ".venv-cpu"
# What the grading path needs on Gradescope's build; torch 2.13.0 is the +cpu wheel on
# local disk. No torchvision: its wheel from the registry does not import beside it.
CPU_PACKAGES = ["torch==2.13.0", "numpy", "matplotlib", "jsonschema"]

# A case's time excludes any worker start (process, sandbox, student imports), which
# the engine reports on its own: the wait for the first worker, which starts while the
# test files load, and any restart inside a test.
MEASURE = """
import json, sys
from autograder.core.engine import grade
report = grade(sys.argv[1], sys.argv[2])
print(json.dumps({"total": report.seconds, "start": report.worker_start_seconds,
                  "import": report.student_import_seconds,
                  "bodies": sum(c.seconds for c in report.cases),
                  "score": report.score, "max": report.max_score,
                  "torchvision": "torchvision" in sys.modules}))
"""


def cpu_python() -> Path | None:
    """.venv-cpu's python, built first when missing; None (and why) if it cannot be."""
    python = CPU_VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"building {CPU_VENV.name} (CPU torch, no torchvision) ...", flush=True)
    try:
        subprocess.run(["python3", "-m", "venv", str(CPU_VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                *CPU_PACKAGES,
            ],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  could not build {CPU_VENV.name}: {exc}")
        return None
    return python


def tree(root: int) -> list[int]:
    """root and its live descendants (the grader, the sandbox launcher, the worker)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return found


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass  # ended between listing and reading
    return total / 1024


def measure(hw: str, python: Path | str = sys.executable, env: dict | None = None) -> dict:
    """Grade the reference of `hw` with `python`; timings and the peak summed PSS in MB."""
    env = {
        **os.environ,
        **(env or {}),
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",  # as the command line grades: workers forked warm
        "PYTHONPATH": str(REPO_ROOT),
    }  # the CPU build has no install of the project
    started = time.monotonic()
    process = subprocess.Popen(
        [str(python), "-c", MEASURE, hw, str(REPO_ROOT / "solutions" / hw)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    peak = [0.0]

    def watch():
        while process.poll() is None:
            peak[0] = max(peak[0], pss_mb(tree(process.pid)))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = process.communicate()
    watcher.join()
    if process.returncode:
        raise RuntimeError(f"grading {hw} with {python} failed:\n{err[-2000:]}")
    return {
        **json.loads(out.strip().splitlines()[-1]),
        "pss": peak[0],
        "wall": time.monotonic() - started,
    }


def cifar10_10k() -> str:
    """A generated CIFAR10 set with the real test set's 10,000 images (no real CIFAR10
    here; grading costs the same), made once in the cache."""
    from ..datasets import cache_dir, generated_cifar10

    root = cache_dir() / "bench-cifar10-500-10000"
    generated_cifar10(root, n_train=500, n_test=10000)
    os.chmod(root, 0o755)  # the sandboxed worker may run as another user
    return str(root)


def main(argv: list[str]) -> int:
    names = argv or all_assignments()
    cpu = cpu_python()
    print(
        "Grading the reference solution of each assignment (1 torch thread); memory: peak "
        "PSS of grader + worker summed over all their processes, sampled every 50 ms"
    )
    print(
        "start: the grader waited for the worker (sandbox, student imports); import: of that, "
        "the student's own files importing (hw5's `import matplotlib.pyplot`); ratio: grading "
        "time / test-body time; ratio*: the same with the student's import counted as its code"
    )
    print(f"{'':<20}{'--- this build (.venv) ---':^69}{'--- CPU build (.venv-cpu) ---':^35}")
    print(
        f"{'assignment':<20}{'score':>10}{'wall s':>8}{'start s':>9}{'import s':>9}"
        f"{'bodies s':>10}{'ratio':>8}{'ratio*':>8}{'PSS MB':>8}"
        f"{'score':>11}{'wall s':>8}{'PSS MB':>8}{'of 768':>8}"
        f"   goals: ratio<=1.2, PSS<=768 (CPU), wall<=60"
    )
    runs = [(hw, hw, {}) for hw in names]
    if "project_cifar10" in names:  # CIFAR10's real test-set size, as Gradescope grades it
        runs.append(("project, 10k test", "project_cifar10", {"AUTOGRADER_DATA": cifar10_10k()}))
    ratios, with_import = {}, {}
    for label, hw, env in runs:
        m = measure(hw, env=env)
        ratio = m["total"] / m["bodies"] if m["bodies"] else float("inf")
        ratios[label] = ratio
        with_import[label] = m["total"] / (m["bodies"] + m["import"]) if m["bodies"] else ratio
        line = (
            f"{label:<20}{m['score']:>5g}/{m['max']:<4g}{m['total']:>8.2f}{m['start']:>9.2f}"
            f"{m['import']:>9.2f}{m['bodies']:>10.2f}{ratio:>7.2f}x{with_import[label]:>7.2f}x"
            f"{m['pss']:>8.0f}"
        )
        if cpu:
            c = measure(hw, cpu, env)
            flag = "" if c["pss"] <= BUDGET_MB else "  OVER"
            line += (
                f"{c['score']:>6g}/{c['max']:<4g}{c['total']:>8.1f}{c['pss']:>8.0f}"
                f"{c['pss'] / BUDGET_MB:>7.0%}{flag}"
            )
            if c["torchvision"]:
                line += "  (imported torchvision!)"
        print(line, flush=True)
    worst = max(ratios, key=ratios.get)
    print(
        f"grading time / test-body time: {min(ratios.values()):.2f}x to {ratios[worst]:.2f}x "
        f"({worst}); goal <= 1.2x for every assignment; met by "
        f"{', '.join(k for k, v in ratios.items() if v <= 1.2) or 'none'} "
        f"(ratio*: {', '.join(k for k, v in with_import.items() if v <= 1.2) or 'none'})"
    )
    if argv:
        return 0
    from .. import benchmarks

    for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)):
        print(f"\n== benchmarks/{module}")
        for line in importlib.import_module(f"autograder.benchmarks.{module}").run():
            print(line)
    for hw in CALIBRATED:  # the verb as its user runs it (verbs never import each other)
        print(
            f"\n== calibrate {hw} --seeds {CALIBRATE_SEEDS} (thresholds against the reference "
            f"and alternatives; autograder calibrate <hw> for more seeds)",
            flush=True,
        )
        subprocess.run(
            [sys.executable, "-m", "autograder", "calibrate", hw, "--seeds", str(CALIBRATE_SEEDS)],
            check=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
