"""`make bench`: speed and memory, measured side by side in one run.

For each assignment, grades the reference solution in a fresh process with one
torch thread and prints wall time, peak RSS (the largest process: grader or
worker), and the ratio of total grading time to the summed time of the test
bodies. Goals (Gradescope's default container: half a vCPU, 768 MB):
ratio <= 1.2x, RSS <= 768 MB, <= 60 s. Then runs each assignment's own
benchmark module in autograder/benchmarks/, which print ratios of their own.
"""
import importlib
import json
import pkgutil
import subprocess
import sys

from .assignment import REPO_ROOT
from .student import all_assignments

# Test bodies exclude the worker's start (process, sandbox, torch and student imports),
# which the engine does inside the first test body and reports on its own.
MEASURE = """
import json, resource, sys
from autograder.engine import grade
report = grade(sys.argv[1], sys.argv[2])
print(json.dumps({"total": report.seconds, "start": report.worker_start_seconds,
                  "bodies": sum(c.seconds for c in report.cases) - report.worker_start_seconds,
                  "score": report.score, "max": report.max_score,
                  "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure(hw: str) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, hw, str(REPO_ROOT / "solutions" / hw)],
                          capture_output=True, text=True, cwd=REPO_ROOT, check=True,
                          env={**__import__("os").environ, "OMP_NUM_THREADS": "1"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    print("Grading the reference solution of each assignment (1 torch thread)")
    print(f"{'assignment':<20}{'score':>10}{'wall s':>9}{'worker start s':>16}{'bodies s':>10}"
          f"{'ratio':>8}{'peak RSS MB':>13}   goals: ratio<=1.2, RSS<=768, wall<=60")
    for hw in all_assignments():
        m = measure(hw)
        rss = max(m["rss_self"], m["rss_children"]) / 1024
        ratio = m["total"] / m["bodies"] if m["bodies"] else float("inf")
        print(f"{hw:<20}{m['score']:>5g}/{m['max']:<4g}{m['total']:>9.1f}{m['start']:>16.1f}"
              f"{m['bodies']:>10.1f}"
              f"{ratio:>7.2f}x{rss:>13.0f}")
    from . import benchmarks
    for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)):
        print(f"\n== benchmarks/{module}")
        for line in importlib.import_module(f"autograder.benchmarks.{module}").run():
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
