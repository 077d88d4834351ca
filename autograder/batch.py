"""`python -m autograder grade-all <hw> <submissions_root> --out <dir> --jobs N`: grade a class.

A submission is one folder or one zip per student under <submissions_root>; its
name (without .zip) is the student id. Each submission is graded by its own
`python -m autograder grade` process (whose student code runs in the sandbox,
see sandbox.py), N at a time, and writes

  <dir>/<student>/results.json   Gradescope results (what the student sees)
  <dir>/<student>/grading.json   hashes of the submission and the grader, status, seconds
  <dir>/<student>/grade.log      the grading process's own output
  <dir>/gradebook.csv            one row a student: one column a question, total, max, status
  <dir>/summary.json             mean, median, spread, counts by status, question means
  <dir>/histogram.png            the score histogram
  <dir>/report.html              all of it on one page for the instructor

Re-running skips a submission whose files and grader are unchanged (the hashes
in grading.json) unless `force`. Whatever a submission does, it gets a results
file and the batch goes on; if the grader's own files change while grading
(an edit, or a sign that isolation failed), summary.json and the report warn.
"""
import csv
import hashlib
import html
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from urllib.parse import quote
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import results
from .assignment import PACKAGE_ROOT, config, find_assignment_dir

GRADE_SLACK = 60.0          # seconds on top of import + submission timeouts per grading process
MAX_ZIP_FILES = 2000
RESULTS, META, LOG = "results.json", "grading.json", "grade.log"


@dataclass
class Outcome:
    student: str
    status: str
    score: float
    max_score: float
    questions: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0          # wall time of the grading process
    grading_seconds: float = 0.0  # time the engine reports (execution_time)
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)  # batch-wide, on one outcome only


# -- finding and hashing ------------------------------------------------------------------
def find_submissions(root: Path) -> dict[str, Path]:
    """Student id -> folder or zip. Hidden entries are ignored; a folder wins over a zip."""
    found: dict[str, Path] = {}
    for path in sorted(Path(root).iterdir()):
        if path.name.startswith((".", "_")) or path.is_symlink():
            continue
        if path.is_dir():
            found[path.name] = path
        elif path.suffix.lower() == ".zip" and path.is_file():
            found.setdefault(path.stem, path)
    return found


def hash_submission(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_file():
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    for file in sorted(p for p in path.rglob("*") if "__pycache__" not in p.parts):
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        if file.is_symlink():
            digest.update(b"link:" + os.readlink(file).encode())
        elif file.is_file():
            digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def hash_grader(hw: str) -> str:
    """The engine's package and the assignment's config and tests: what decides a grade."""
    digest = hashlib.sha256()
    places = [(PACKAGE_ROOT, "autograder"), (find_assignment_dir(hw), hw)]
    for base, label in places:
        for file in sorted(base.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts and \
                    file.suffix in (".py", ".toml", ".json", ".txt"):
                digest.update(f"{label}/{file.relative_to(base)}".encode() + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


# -- zips ------------------------------------------------------------------------------------
def unpack(zip_path: Path, dest: Path, max_bytes: int) -> str:
    """Extract a student's zip safely; return '' or a problem in plain words.

    Refuses absolute paths and '..' (zip slip), links, more than MAX_ZIP_FILES
    entries and more than max_bytes uncompressed (zip bombs: counted while
    writing, not trusted from the header). A zip whose files all sit in one
    folder is unwrapped."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        return f"The submitted zip file could not be opened ({exc})."
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_FILES:
            return f"The submitted zip holds more than {MAX_ZIP_FILES} files."
        written = 0
        for entry in entries:
            name = entry.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                return f"The submitted zip has an unsafe path: {entry.filename!r}."
            if (entry.external_attr >> 16) & 0o170000 == 0o120000:
                return f"The submitted zip holds a link ({entry.filename}); links are refused."
            if not parts or "__MACOSX" in parts:
                continue
            target = dest.joinpath(*parts)
            if entry.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(entry) as src, open(target, "wb") as out:
                while block := src.read(1 << 20):
                    written += len(block)
                    if written > max_bytes:
                        return (f"The submitted zip unpacks to more than {max_bytes // 2**20} MB; "
                                f"submit only your code.")
                    out.write(block)
    inside = list(dest.iterdir())
    if len(inside) == 1 and inside[0].is_dir():   # zipped the folder itself: unwrap it
        wrapper = inside[0].rename(dest.parent / f".{dest.name}-unwrap")
        for item in wrapper.iterdir():
            item.rename(dest / item.name)
        wrapper.rmdir()
    return ""


# -- grading one ---------------------------------------------------------------------------
def outcome_from(student: str, data: dict, seconds: float = 0.0, skipped: bool = False) -> Outcome:
    questions: dict[str, float] = {}
    max_score = 0.0
    for test in data.get("tests", []):
        question = test["name"].split(":")[0]
        questions[question] = questions.get(question, 0.0) + float(test["score"])
        max_score += float(test["max_score"])
    status = (data.get("extra_data") or {}).get("status", "ok")
    return Outcome(student, status, float(data.get("score", 0.0)), max_score, questions,
                   seconds, float(data.get("execution_time", 0.0)), skipped)


def grade_one(hw: str, student: str, source: Path, out: Path, *, grader: str,
              force: bool = False, hide: list[str] = ()) -> Outcome:
    """Grade one submission in its own process; always leaves a results file."""
    folder = out / student
    folder.mkdir(parents=True, exist_ok=True)
    results_path, meta_path = folder / RESULTS, folder / META
    key = {"submission": hash_submission(source), "grader": grader}
    if not force and results_path.is_file() and meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            if {k: meta.get(k) for k in key} == key:
                return outcome_from(student, json.loads(results_path.read_text()),
                                    meta.get("seconds", 0.0), skipped=True)
        except (ValueError, OSError):
            pass
    results_path.unlink(missing_ok=True)
    cfg = config(hw)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="autograder-unzip-") as tmp:
        target, problem = source, ""
        if source.is_file():
            target = Path(tmp) / student
            target.mkdir()
            problem = unpack(source, target, max_bytes=256 * 2**20)
        if problem:
            results.write_failure(results_path, problem, status="rejected")
        else:
            run_grader(hw, target, results_path, folder / LOG,
                       cfg.import_timeout + cfg.submission_timeout + GRADE_SLACK, hide)
    seconds = time.monotonic() - started
    try:
        data = json.loads(results_path.read_text())
    except (ValueError, OSError):
        data = results.write_failure(
            results_path, "The autograder could not finish grading this submission; your "
                          "instructor has been told. No points were lost.", status="grader error")
    outcome = outcome_from(student, data, seconds)
    meta_path.write_text(json.dumps({**key, "status": outcome.status, "score": outcome.score,
                                     "seconds": round(seconds, 2)}, indent=2) + "\n")
    return outcome


def run_grader(hw: str, submission: Path, results_path: Path, log_path: Path,
               limit: float, hide) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT.parent),
                                                      env.get("PYTHONPATH", "")]))
    env["AUTOGRADER_HIDE"] = os.pathsep.join(filter(None, [*hide, env.get("AUTOGRADER_HIDE")]))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "autograder", "grade", hw, str(submission),
             "--out", str(results_path)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            results.write_failure(
                results_path, f"Grading this submission took longer than {limit:g} s in all, "
                              f"the limit for one submission; it scored 0.", status="time limit")


# -- a class -------------------------------------------------------------------------------
def grade_folders(hw: str, submissions: dict[str, Path], out: Path, *, jobs: int = 1,
                  force: bool = False, progress: bool = True, hide=()) -> list[Outcome]:
    """Grade {student: folder or zip} into out/<student>/, `jobs` at a time."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    grader = hash_grader(hw)
    hide = [str(out), *{str(Path(p).resolve().parent) for p in submissions.values()}, *hide]
    outcomes: list[Outcome] = []
    warnings: list[str] = []
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(submissions), desc=f"grading {hw}", unit="submission",
                   file=sys.stderr)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_one, hw, student, Path(path).resolve(), out,
                               grader=grader, force=force, hide=hide): student
                   for student, path in submissions.items()}
        try:
            for future in as_completed(futures):
                outcomes.append(future.result())
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"{futures[future]}: {outcomes[-1].status}")
                now = hash_grader(hw)
                if now != grader:   # an instructor's edit, or a submission that got out
                    warning = (f"The grader's files changed while {futures[future]} was being "
                               f"graded: check them before trusting these results.")
                    warnings.append(warning)
                    print("WARNING: " + warning, file=sys.stderr)
                    grader = now
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        finally:
            if bar is not None:
                bar.close()
    if warnings and outcomes:
        outcomes[0].warnings = warnings   # carried to summary.json
    return sorted(outcomes, key=lambda o: o.student)


def summarize(outcomes: list[Outcome]) -> dict:
    scores = [o.score for o in outcomes]
    questions = sorted({q for o in outcomes for q in o.questions})
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    return {
        "submissions": len(outcomes),
        "max_score": max((o.max_score for o in outcomes), default=0.0),
        "mean": round(statistics.fmean(scores), 3) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "stdev": round(statistics.pstdev(scores), 3) if scores else None,
        "min": min(scores, default=None), "max": max(scores, default=None),
        "status": statuses,
        "question_means": {q: round(statistics.fmean(o.questions.get(q, 0.0)
                                                     for o in outcomes), 3) for q in questions},
        "graded_now": sum(not o.skipped for o in outcomes),
        "skipped_unchanged": sum(o.skipped for o in outcomes),
        "warnings": [w for o in outcomes for w in o.warnings],
    }


def write_gradebook(outcomes: list[Outcome], path: Path, extra: dict | None = None) -> list[str]:
    questions = sorted({q for o in outcomes for q in o.questions})
    columns = [*(extra or {}), "student", *questions, "total", "max", "status"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for o in outcomes:
            writer.writerow({**(extra or {}), "student": o.student,
                             **{q: f"{o.questions.get(q, 0.0):g}" for q in questions},
                             "total": f"{o.score:g}", "max": f"{o.max_score:g}",
                             "status": o.status})
    return columns


def write_histogram(outcomes: list[Outcome], path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    top = max((o.max_score for o in outcomes), default=1.0) or 1.0
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.hist([o.score for o in outcomes], bins=min(20, max(5, int(top) + 1)), range=(0, top),
            color="#4878a8", edgecolor="white")
    ax.set_xlabel(f"score (of {top:g})")
    ax.set_ylabel("submissions")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_html(hw: str, outcomes: list[Outcome], summary: dict, path: Path) -> None:
    e = html.escape
    questions = sorted({q for o in outcomes for q in o.questions})
    rows = "\n".join(
        f"<tr><td><a href='{e(quote(o.student))}/{RESULTS}'>{e(o.student)}</a></td>"
        + "".join(f"<td>{o.questions.get(q, 0):g}</td>" for q in questions)
        + f"<td><b>{o.score:g}</b> / {o.max_score:g}</td><td>{e(o.status)}</td>"
          f"<td>{o.seconds:.1f}</td></tr>" for o in outcomes)
    status = ", ".join(f"{e(k)}: {v}" for k, v in sorted(summary["status"].items()))
    means = "".join(f"<tr><td>{e(q)}</td><td>{m:g}</td></tr>"
                    for q, m in summary["question_means"].items())
    path.write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{e(hw)} grades</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}} td:first-child{{text-align:left}}</style>
</head><body>
<h1>{e(hw)}: {summary['submissions']} submissions</h1>
<p>Mean {summary['mean']}, median {summary['median']}, standard deviation {summary['stdev']},
min {summary['min']}, max {summary['max']} (of {summary['max_score']:g}).<br>
Status: {status}. Graded now: {summary['graded_now']}, unchanged and skipped:
{summary['skipped_unchanged']}.</p>
<img src="histogram.png" alt="score histogram">
<h2>Questions (mean points)</h2><table>{means}</table>
<h2>Students</h2>
<table><tr><th>student</th>{''.join(f'<th>{e(q)}</th>' for q in questions)}<th>total</th>
<th>status</th><th>seconds</th></tr>
{rows}
</table>
{''.join(f"<p><b>Warning:</b> {e(w)}</p>" for w in summary["warnings"])}
<p>Gradebook: <a href="gradebook.csv">gradebook.csv</a>, summary: <a href="summary.json">summary.json</a>.</p>
</body></html>
""")


def write_reports(hw: str, outcomes: list[Outcome], out: Path) -> dict:
    out = Path(out)
    summary = summarize(outcomes)
    write_gradebook(outcomes, out / "gradebook.csv")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    write_histogram(outcomes, out / "histogram.png", f"{hw}: {len(outcomes)} submissions")
    write_html(hw, outcomes, summary, out / "report.html")
    return summary


def grade_all(hw: str, root: Path, out: Path, *, jobs: int = 1, force: bool = False,
              progress: bool = True) -> tuple[list[Outcome], dict]:
    submissions = find_submissions(root)
    outcomes = grade_folders(hw, submissions, out, jobs=jobs, force=force, progress=progress,
                             hide=[str(Path(root).resolve())])
    return outcomes, write_reports(hw, outcomes, out)


def main(hw: str, root: str, out: str, jobs: int, force: bool) -> int:
    config(hw)  # an unknown assignment fails here, before anything is written
    if not Path(root).is_dir():
        print(f"No such folder: {root}", file=sys.stderr)
        return 2
    started = time.monotonic()
    outcomes, summary = grade_all(hw, Path(root), Path(out), jobs=jobs, force=force)
    print(f"{hw}: {summary['submissions']} submissions in {time.monotonic() - started:.0f} s "
          f"({summary['graded_now']} graded, {summary['skipped_unchanged']} unchanged); "
          f"mean {summary['mean']}, median {summary['median']} of {summary['max_score']:g}; "
          f"status {summary['status']}")
    print(f"Wrote {out}/gradebook.csv, summary.json, histogram.png, report.html "
          f"and {out}/<student>/results.json")
    return 0
