"""`autograder calibrate <hw>`: accuracy thresholds checked against measurement.

Grades the reference solution and each alternative correct solution (the
ALTERNATIVES of assignments/<hw>/mutants.py) over seeds 1..K and torch thread counts
(1 and 2), running only the test files whose judges compare a figure with a
threshold (`checks.expect_at_least` or `expect_rung`, which record the pair). For every case
and figure it prints the threshold, min / mean / sd / max over the runs, the
margin in sd, and the estimated probability that a correct submission falls
below the threshold: P(X < threshold) under a normal fit over the runs, and
the empirical fraction. An estimate >= 1e-3 is flagged: move that threshold
(config.toml) to at most the printed "1e-3 bar" (mean - 3.09 sd).

What a seed changes: the worker seeds torch, numpy and random with it before
each probe, so the model's initialisation (and any dropout) differs; data order
and evaluation subsets are fixed by the tests and are the same for everyone.
An alternative whose figures equal the reference's on the first run computes
the same numbers (it differs elsewhere) and is not repeated.

    python -m autograder calibrate hw2_logistic --seeds 10 --threads 1,2
"""

import argparse
import re
import statistics
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..core import variants
from ..core.assignment import config, test_files
from ..core.engine import grade
from ..settings import COURSE

JUDGES_A_THRESHOLD = re.compile(r"\bexpect_(at_least|rung)\(")
TARGET = 1e-3  # the most a correct submission may lose a threshold's points with
Z = -statistics.NormalDist().inv_cdf(TARGET)  # 3.09: sd below the mean at TARGET


def judged_files(hw: str) -> list[str]:
    """The test files whose judges compare a figure with a threshold."""
    return [p.stem for p in test_files(hw) if JUDGES_A_THRESHOLD.search(p.read_text())]


def alternatives(hw: str) -> dict[str, dict]:
    """name -> {"replace": ..., "file": ...}: the alternative correct solutions of
    assignments/<hw>/mutants.py (see variants.py)."""
    if not (COURSE.assignments / hw / "mutants.py").is_file():
        return {}
    return variants.load(hw).ALTERNATIVES


def measure(
    hw: str, folder: Path, seeds: list[int], threads: list[int], files: list[str]
) -> tuple[dict, list[str]]:
    """(case title, figure) -> {"threshold", "values"} over every seed and thread
    count; and the failures that recorded no figure (in the judges' words)."""
    rows, problems = {}, []
    for seed in seeds:
        for count in threads:
            report = grade(hw, folder, only=files, seed=seed, threads=count)
            for case in report.cases:
                for figure, (value, threshold) in case.figures.items():
                    row = rows.setdefault(
                        (case.title, figure), {"threshold": threshold, "values": []}
                    )
                    row["values"].append(value)
                if not case.figures and case.message:
                    problems.append(f"seed {seed}, {count} thread(s), {case.title}: {case.message}")
    return rows, problems


def false_fail(values: list[float], threshold: float) -> tuple[float, float]:
    """(P(X < threshold) under a normal fit, empirical fraction below)."""
    below = sum(v < threshold for v in values) / len(values)
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    if sd == 0:
        return float(mean < threshold), below
    return statistics.NormalDist(mean, sd).cdf(threshold), below


def table(label: str, rows: dict) -> tuple[list[str], int]:
    """The lines for one submission's rows, and how many thresholds are flagged."""
    lines, flagged = [], 0
    for (title, figure), row in rows.items():
        values, threshold = row["values"], row["threshold"]
        mean = statistics.fmean(values)
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        normal, empirical = false_fail(values, threshold)
        margin = f"{(mean - threshold) / sd:8.1f}" if sd else f"{'inf':>8}"
        flag = "  FLAG: move to <= 1e-3 bar" if normal >= TARGET else ""
        flagged += bool(flag)
        lines.append(
            f"{label[:24]:<24} {title[:34]:<34} {figure[:26]:<26} {threshold:>6.4f} "
            f"{min(values):>7.4f} {mean:>7.4f} {sd:>7.4f} {max(values):>7.4f} "
            f"{margin} {normal:>10.2e} {empirical:>6.2f} {mean - Z * sd:>8.4f}{flag}"
        )
    return lines, flagged


def say(line: str) -> None:
    print(line, flush=True)  # row by row: a run takes minutes


HEADER = (
    f"{'submission':<24} {'case':<34} {'figure':<26} {'thresh':>6} {'min':>7} {'mean':>7} "
    f"{'sd':>7} {'max':>7} {'margin':>8} {'P(fail)':>10} {'empir':>6} {'1e-3 bar':>8}"
)


def main(
    hw: str, seeds: int = 10, threads: Sequence[int] = (1, 2), out: Callable[[str], None] = say
) -> int:
    """Print the table for `hw`; 1 if a threshold is flagged (or nothing is judged)."""
    config(hw)  # an unknown assignment: one plain line (UnknownAssignment)
    files = judged_files(hw)
    if not files:
        out(
            f"{hw}: no test compares a figure with a threshold (checks.expect_at_least or expect_rung)."
        )
        return 1
    seed_list, threads = list(range(1, seeds + 1)), list(threads)
    runs = len(seed_list) * len(threads)
    out(
        f"{hw}: {', '.join(files)}; seeds 1..{seeds} x torch threads "
        f"{','.join(map(str, threads))} = {runs} runs a submission"
    )
    out(
        f"P(fail): P(X < threshold) under a normal fit over the {runs} runs; empir: the "
        f"fraction of runs below; 1e-3 bar: mean - {Z:.2f} sd, the highest threshold with "
        f"P(fail) < 1e-3"
    )
    out(HEADER)
    flagged, reference_rows = 0, None
    with tempfile.TemporaryDirectory(prefix="calibrate-") as scratch:
        subjects = [("reference", COURSE.solutions / hw)]
        for i, (name, alternative) in enumerate(alternatives(hw).items()):
            subjects.append(
                (
                    f"alt: {name}",
                    variants.write(
                        hw,
                        Path(scratch) / f"alt{i}",
                        alternative["replace"],
                        alternative.get("file"),
                    ),
                )
            )
        for label, folder in subjects:
            if reference_rows is not None:  # the same numbers as the reference? then skip
                first, _ = measure(hw, folder, seed_list[:1], threads[:1], files)
                if (
                    all(first[k]["values"] == reference_rows[k]["values"][:1] for k in first)
                    and first.keys() == reference_rows.keys()
                ):
                    out(
                        f"{label[:24]:<24} same figures as the reference on the first run: "
                        f"not repeated"
                    )
                    continue
            rows, problems = measure(hw, folder, seed_list, threads, files)
            if reference_rows is None:
                reference_rows = rows
            lines, count = table(label, rows)
            flagged += count
            for line in lines + [f"{'':<24} no figure recorded: {p}" for p in problems[:5]]:
                out(line)
            if runs > 1 and rows and all(len(set(r["values"])) == 1 for r in rows.values()):
                out(
                    f"{'':<24} (the same value for every seed and thread count: the grader "
                    f"randomises nothing here)"
                )
    out(
        f"{flagged} threshold(s) with P(fail) >= {TARGET:g}"
        if flagged
        else f"every threshold: P(fail) < {TARGET:g}"
    )
    return 1 if flagged else 0


def thread_counts(text: str) -> list[int]:
    """--threads 1,2: counts of at least 1, separated by commas."""
    try:
        counts = [int(t) for t in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(
            f"takes counts of at least 1 separated by commas, e.g. 1,2; not {text!r}"
        )
    return counts


def seed_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"takes a count of at least 1, not {text!r}")
    return int(text)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw")
    p.add_argument("--seeds", type=seed_count, default=10, help="seeds 1..K (default 10)")
    p.add_argument(
        "--threads", type=thread_counts, default=[1, 2], help="torch thread counts, e.g. 1,2"
    )


def run(args: argparse.Namespace) -> int:
    return main(args.hw, args.seeds, args.threads)
