"""`python -m autograder grade-all <hw> <submissions_root> --out <dir> --jobs N`: grade a class.

A submission is one folder or one zip per student under <submissions_root>; its
name (without .zip) is the student id. N long-lived grading servers (GradingServer:
`python -m autograder.core.batch`, torch and the grader imported once) each fork a
fresh grading process per submission, which grades it as `python -m autograder
grade` would (its student code runs in the sandbox, see autograder/sandbox/): nothing a
submission changes in one forked process reaches the next. AUTOGRADER_WARM=0,
or a server that cannot fork safely, runs one `python -m autograder grade`
process per submission instead. Each submission writes

  <dir>/<student>/results.json   Gradescope results (what the student sees)
  <dir>/<student>/grading.json   hashes of the submission and the grader, status, seconds
  <dir>/<student>/grade.log      the grading process's own output
  <dir>/gradebook.csv            one row a student: one column a question, total, max, status
  <dir>/summary.json             mean, median, spread, counts by status, question means
  <dir>/histogram.png            the score histogram
  <dir>/items.json, questions.png  item analysis: per test case pass rate, mean, point-biserial
                                 with the total, frequent failures; pass rate per question
  <dir>/report.html              all of it on one page for the instructor

Re-running skips a submission whose files and grader are unchanged (the hashes
in grading.json) unless `force`. Whatever a submission does, it gets a row (a
status and a message) and, where its name allows, a results file, and the batch
goes on: each student is graded behind one barrier (`grade_safely`). Names are
whatever the files are called: shown escaped, and gradebook cells a spreadsheet
would run as formulas are quoted. A student named like a report file
(RESERVED) is refused, not graded over it. If the grader's own files change
while grading (an edit, or a sign that isolation failed), summary.json and the
report warn.
"""

import csv
import hashlib
import html
import json
import os
import queue
import select
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..sandbox import thread_count
from . import items, results, warm
from .assignment import PACKAGE_ROOT, config, find_assignment_dir
from .plain import (
    MAX_HASHED_BYTES,
    MAX_SUBMISSION_DEPTH,
    MAX_SUBMISSION_FILES,
    MAX_SUBMISSION_ZIP_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    clean_text,
)

SERVER_START_TIMEOUT = 300.0  # seconds for a grading server to import torch and the grader
GRADE_SLACK = 60.0  # seconds on top of import + submission timeouts per grading process
RESULTS, META, LOG = "results.json", "grading.json", "grade.log"
RESERVED = {
    "gradebook.csv",
    "summary.json",
    "histogram.png",
    "report.html",
    "items.json",
    "questions.png",
}  # report files
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs such a cell
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)  # e.g. encrypted, damaged


class Refused(Exception):
    """A submission that cannot be graded as it is; the message is for the student."""


@dataclass
class Outcome:
    student: str
    status: str
    score: float
    max_score: float
    questions: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the grading process
    grading_seconds: float = 0.0  # time the engine reports (execution_time)
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)  # batch-wide, on one outcome only
    message: str = ""  # why, when the status is not 'ok' (first line, short)


def shown(name: str) -> str:
    """A student id fit to print: undecodable bytes escaped, control characters dropped."""
    return clean_text(name, 200)


def cell(text: str) -> str:
    """A gradebook cell a spreadsheet shows as text, never runs as a formula."""
    text = shown(str(text))
    return "'" + text if text.startswith(FORMULA_START) else text


# -- finding and hashing ------------------------------------------------------------------
def find_submissions(root: Path) -> dict[str, Path]:
    """Student id -> folder or zip. Hidden entries are ignored; a folder wins over a zip."""
    found: dict[str, Path] = {}
    for path in sorted(Path(root).iterdir()):
        try:
            if path.name.startswith((".", "_")) or path.is_symlink():
                continue
            if path.is_dir():
                found[path.name] = path
            elif path.suffix.lower() == ".zip" and path.is_file():
                found.setdefault(path.stem, path)
        except OSError:  # unreadable entry: graded (and refused) as a folder, with a row
            found.setdefault(path.name, path)
    return found


def _hash_file(digest, path: Path, size: int, budget: list[int]) -> None:
    """Content, streamed, while the submission's read budget lasts; after it (or
    for a file larger than what is left) only size and date: such files are
    left out of the worker's copy anyway."""
    if size > budget[0]:
        st = path.stat()
        digest.update(f"size:{st.st_size}:{st.st_mtime_ns}".encode())
        return
    budget[0] -= size
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        digest.update(f"unreadable:{exc.errno}".encode())


def hash_submission(path: Path) -> str:
    """sha256 of a submission's names (as bytes) and contents; raises Refused for a
    folder too deep, too many files, a zip too large or anything unreadable.
    The walk is iterative and never follows links."""
    digest, budget = hashlib.sha256(), [MAX_HASHED_BYTES]
    try:
        if path.is_file():
            size = path.stat().st_size
            if size > MAX_SUBMISSION_ZIP_BYTES:
                raise Refused(
                    f"The submitted zip file is more than "
                    f"{MAX_SUBMISSION_ZIP_BYTES // 2**20} MB; submit only your code."
                )
            _hash_file(digest, path, size, budget)
            return digest.hexdigest()
        count, stack = 0, [(path, b"", 0)]
        while stack:
            folder, rel, depth = stack.pop()
            if depth > MAX_SUBMISSION_DEPTH:
                raise Refused(
                    f"Your submission has folders nested more than "
                    f"{MAX_SUBMISSION_DEPTH} deep; submit only your code."
                )
            with os.scandir(folder) as entries:
                entries = sorted(entries, key=lambda e: os.fsencode(e.name))
            for entry in entries:
                if entry.name in ("__pycache__", ".git"):  # not copied for grading either
                    continue
                count += 1
                if count > MAX_SUBMISSION_FILES:
                    raise Refused(
                        f"Your submission holds more than {MAX_SUBMISSION_FILES} "
                        f"files and folders; submit only your code."
                    )
                name = rel + os.fsencode(entry.name)
                info = entry.stat(follow_symlinks=False)
                digest.update(name + b"\0")
                if stat.S_ISLNK(info.st_mode):
                    digest.update(b"link:" + os.fsencode(os.readlink(entry.path)))
                elif stat.S_ISDIR(info.st_mode):
                    stack.append((Path(entry.path), name + b"/", depth + 1))
                elif stat.S_ISREG(info.st_mode):  # never a FIFO or device: they block
                    _hash_file(digest, Path(entry.path), info.st_size, budget)
                digest.update(b"\0")
    except OSError as exc:
        raise Refused(f"Your submission could not be read ({exc.strerror or exc}).") from None
    return digest.hexdigest()


def hash_grader(hw: str) -> str:
    """The engine's package and the assignment's config and tests: what decides a grade."""
    digest = hashlib.sha256()
    places = [(PACKAGE_ROOT, "autograder"), (find_assignment_dir(hw), hw)]
    for base, label in places:
        for file in sorted(base.rglob("*")):
            if (
                file.is_file()
                and "__pycache__" not in file.parts
                and file.suffix in (".py", ".toml", ".json", ".txt")
            ):
                digest.update(f"{label}/{file.relative_to(base)}".encode() + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


# -- zips ------------------------------------------------------------------------------------
def unpack(zip_path: Path, dest: Path, max_bytes: int) -> str:
    """Extract a student's zip safely; return '' or a problem in plain words.

    Refuses absolute paths and '..' (zip slip), links, more than MAX_ZIP_MEMBERS
    entries and more than max_bytes uncompressed (zip bombs: counted while
    writing, not trusted from the header). A zip whose files all sit in one
    folder is unwrapped."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except ZIP_ERRORS as exc:
        return f"The submitted zip file could not be opened ({shown(str(exc))})."
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_MEMBERS:
            return f"The submitted zip holds more than {MAX_ZIP_MEMBERS} files."
        written = 0
        for entry in entries:
            name = entry.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                return f"The submitted zip has an unsafe path: {shown(repr(entry.filename))}."
            if (entry.external_attr >> 16) & 0o170000 == 0o120000:
                return (
                    f"The submitted zip holds a link ({shown(entry.filename)}); links are refused."
                )
            if not parts or "__MACOSX" in parts:
                continue
            if len(parts) > MAX_SUBMISSION_DEPTH:
                return (
                    f"The submitted zip has folders nested more than {MAX_SUBMISSION_DEPTH} "
                    f"deep; submit only your code."
                )
            if entry.flag_bits & 0x1:
                return (
                    f"The submitted zip has an encrypted file ({shown(entry.filename)}); "
                    f"submit it without a password."
                )
            target = dest.joinpath(*parts)
            try:
                if entry.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(entry) as src, open(target, "wb") as out:
                    while block := src.read(1 << 20):
                        written += len(block)
                        if written > max_bytes:
                            return (
                                f"The submitted zip unpacks to more than "
                                f"{max_bytes // 2**20} MB; submit only your code."
                            )
                        out.write(block)
            except ZIP_ERRORS as exc:  # damaged data, a name both a file and a folder, ...
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                return (
                    f"The submitted zip could not be unpacked at {shown(entry.filename)} "
                    f"({shown(str(why))}); make a new zip of your files."
                )
    try:
        inside = list(dest.iterdir())
        if len(inside) == 1 and inside[0].is_dir():  # zipped the folder itself: unwrap it
            wrapper = inside[0].rename(dest.parent / f".{dest.name}-unwrap")
            for item in wrapper.iterdir():
                item.rename(dest / item.name)
            wrapper.rmdir()
    except OSError as exc:
        return f"The submitted zip could not be unpacked ({shown(str(exc.strerror or exc))})."
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
    message = "" if status == "ok" else str(data.get("output", "")).split("\n")[0][:200]
    review = (data.get("extra_data") or {}).get("review") or []
    if review:  # the lines the tamper scan found, for the person who reviews
        message = ("needs review: " + "; ".join(map(str, review)))[:300]
    return Outcome(
        student,
        status,
        float(data.get("score", 0.0)),
        max_score,
        questions,
        seconds,
        float(data.get("execution_time", 0.0)),
        skipped,
        message=message,
    )


def grade_safely(hw: str, student: str, source: Path, out: Path, **options) -> Outcome:
    """The barrier around one student: whatever fails becomes that student's row
    (and results file, where one can be written); the batch goes on."""
    if student.lower() in RESERVED:
        return Outcome(
            student,
            "rejected",
            0.0,
            0.0,
            message=(
                f"The submission is named {student!r}, a name the grader keeps for its own "
                f"reports: rename it to have it graded."
            ),
        )
    try:
        return grade_one(hw, student, source, out, **options)
    except Refused as exc:
        status, message = "rejected", str(exc)
    except Exception as exc:  # noqa: BLE001  (the grader's own fault: the batch goes on)
        status, message = "grader error", f"{type(exc).__name__}: {exc}"
        print(f"grader error on {shown(student)}: {shown(message)}", file=sys.stderr)
    try:
        data = results.write_failure(
            out / student / RESULTS,
            message
            if status == "rejected"
            else "The autograder could not grade this submission; "
            "your instructor has been told. No points were lost.",
            status=status,
        )
        outcome = outcome_from(student, data)
    except Exception:  # noqa: BLE001  (no results file here: the row still says why)
        outcome = Outcome(student, status, 0.0, 0.0)
    outcome.message = shown(message)
    return outcome


def grade_one(
    hw: str,
    student: str,
    source: Path,
    out: Path,
    *,
    grader: str,
    force: bool = False,
    hide: list[str] = (),
    servers=None,
) -> Outcome:
    """Grade one submission in its own process; always leaves a results file."""
    server = servers.get() if servers is not None else None
    try:
        return _grade_one(
            hw, student, source, out, grader=grader, force=force, hide=hide, server=server
        )
    finally:
        if server is not None:
            servers.put(server)


def _grade_one(
    hw: str, student: str, source: Path, out: Path, *, grader: str, force: bool, hide, server
) -> Outcome:
    folder = out / student
    folder.mkdir(parents=True, exist_ok=True)
    results_path, meta_path = folder / RESULTS, folder / META
    key = {"submission": hash_submission(source), "grader": grader}  # may raise Refused
    if not force and results_path.is_file() and meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            if {k: meta.get(k) for k in key} == key:
                return outcome_from(
                    student,
                    json.loads(results_path.read_text()),
                    meta.get("seconds", 0.0),
                    skipped=True,
                )
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
            problem = unpack(source, target, max_bytes=MAX_UNZIPPED_BYTES)
        if problem:
            results.write_failure(results_path, problem, status="rejected")
        else:
            run_grader(
                hw,
                target,
                results_path,
                folder / LOG,
                cfg.import_timeout + cfg.submission_timeout + GRADE_SLACK,
                hide,
                server=server,
            )
    seconds = time.monotonic() - started
    try:
        data = json.loads(results_path.read_text())
    except (ValueError, OSError):
        data = results.write_failure(
            results_path,
            "The autograder could not finish grading this submission; your "
            "instructor has been told. No points were lost.",
            status="grader error",
        )
    outcome = outcome_from(student, data, seconds)
    meta_path.write_text(
        json.dumps(
            {**key, "status": outcome.status, "score": outcome.score, "seconds": round(seconds, 2)},
            indent=2,
        )
        + "\n"
    )
    return outcome


def grader_environment(hide) -> dict:
    """The environment of every grading process of a batch."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PACKAGE_ROOT.parent), env.get("PYTHONPATH", "")])
    )
    env["AUTOGRADER_HIDE"] = os.pathsep.join(filter(None, [*hide, env.get("AUTOGRADER_HIDE")]))
    env["PYTHONIOENCODING"] = "utf-8:backslashreplace"  # its log never fails on a name
    env.setdefault("PYTHONHASHSEED", "0")  # the configs' seed: its workers can be forked warm
    return env


def run_grader(
    hw: str, submission: Path, results_path: Path, log_path: Path, limit: float, hide, server=None
) -> None:
    if server is not None and server.grade(hw, submission, results_path, log_path, limit):
        return
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autograder",
                "grade",
                hw,
                str(submission),
                "--out",
                str(results_path),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=grader_environment(hide),
            start_new_session=True,
        )
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            write_time_limit(results_path, limit)


def write_time_limit(results_path: Path, limit: float) -> None:
    results.write_failure(
        results_path,
        f"Grading this submission took longer than {limit:g} s in all, "
        f"the limit for one submission; it scored 0.",
        status="time limit",
    )


# -- long-lived grading servers ------------------------------------------------------------
class GradingServer:
    """One `python -m autograder.core.batch` process (see serve), started on first use
    and kept for the batch: Python, torch and the grader are imported once, and
    each submission is graded by a process it forks fresh. Talks JSON lines on
    the server's stdin and stdout. If it cannot start or fork safely, `grade`
    says so (False) and the caller grades that submission the cold way."""

    def __init__(self, env: dict):
        # Single-threaded while it imports, so it can fork; each grader it forks forks its
        # workers' zygote, then takes the batch's thread count back (core/warm.py).
        self.env = warm.single_threaded_imports(env)
        self.process: subprocess.Popen | None = None
        self.buffer = b""
        self.broken = ""  # why it is not used any more

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.core.batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            start_new_session=True,
        )
        hello = self._line(SERVER_START_TIMEOUT)
        if not hello or not hello.get("ready"):
            self._fail("it did not start")
        elif hello.get("threads") != 1:  # forking a process with threads is not safe
            self._fail(f"it had {hello.get('threads')} threads before forking")

    def _fail(self, why: str) -> None:
        self.broken = why
        self.close()

    def _line(self, seconds: float) -> dict | None:
        """The server's next message, or None if none came in time (or it died)."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def grade(
        self, hw: str, submission: Path, results_path: Path, log_path: Path, limit: float
    ) -> bool:
        """Grade one submission in a fresh forked process; False if this server
        cannot (the caller then grades it the cold way)."""
        if self.broken:
            return False
        if self.process is None:
            self._start()
            if self.broken:
                return False
        job = {
            "hw": hw,
            "submission": str(submission),
            "out": str(results_path),
            "log": str(log_path),
        }
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
            self.process.stdin.flush()
        except OSError:
            self.close()  # it died between submissions: the next one starts a new server
            return False
        started = self._line(30.0)
        if not started or "pid" not in started:
            self.close()
            return False
        done = self._line(limit)
        if done is None:  # past the limit (or the server died): as the cold path does
            try:
                os.killpg(started["pid"], signal.SIGKILL)
            except OSError:
                pass
            done = self._line(30.0)
            if done is None:
                self.close()
            write_time_limit(results_path, limit)
        return True  # the results file (or its absence) says the rest, as with a process

    def close(self) -> None:
        if self.process is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.process.stdout.close()
        self.process, self.buffer = None, b""


def serve() -> None:
    """The grading server: import once, then for each job line fork a process that
    grades it (`report.grade_to_file`, as `python -m autograder grade` does) and report its pid,
    then its exit code. The server itself never grades, runs no torch ops and starts
    no threads, so each fork starts from the same clean state."""
    import torch  # noqa: F401  (paid once here, not per submission)

    from . import engine, report  # noqa: F401

    warm.preload()  # here once, not in each grader's zygote

    jobs = os.fdopen(os.dup(0), "rb")
    channel = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)

    def send(message: dict) -> None:
        channel.write((json.dumps(message) + "\n").encode())
        channel.flush()

    send({"ready": True, "threads": thread_count()})
    for line in jobs:
        job = json.loads(line)
        child = os.fork()
        if child == 0:
            code = 1
            try:
                os.setsid()  # its own process group: a time limit kills it and what it started
                jobs.close()
                channel.close()
                log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.close(log)
                warm.start_zygote()  # while it has one thread; then the batch's threads
                code = report.grade_to_file(job["hw"], job["submission"], job["out"])
            except BaseException:  # noqa: BLE001  (its log says why; no results file follows)
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        send({"pid": child})
        _, status = os.waitpid(child, 0)
        send({"done": os.waitstatus_to_exitcode(status)})


# -- a class -------------------------------------------------------------------------------
def grade_folders(
    hw: str,
    submissions: dict[str, Path],
    out: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    progress: bool = True,
    hide=(),
) -> list[Outcome]:
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

        bar = tqdm(total=len(submissions), desc=f"grading {hw}", unit="submission", file=sys.stderr)
    servers = None
    if os.environ.get("AUTOGRADER_WARM", "1") != "0":
        servers = queue.SimpleQueue()  # one long-lived server per job, taken per submission
        for _ in range(max(1, jobs)):
            servers.put(GradingServer(grader_environment(hide)))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(
                grade_safely,
                hw,
                student,
                Path(path).resolve(),
                out,
                grader=grader,
                force=force,
                hide=hide,
                servers=servers,
            ): student
            for student, path in submissions.items()
        }
        try:
            for future in as_completed(futures):
                outcomes.append(future.result())
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"{shown(futures[future])}: {outcomes[-1].status}")
                now = hash_grader(hw)
                if now != grader:  # an instructor's edit, or a submission that got out
                    warning = (
                        f"The grader's files changed while {shown(futures[future])} was being "
                        f"graded: check them before trusting these results."
                    )
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
            while servers is not None and not servers.empty():
                servers.get().close()
    if warnings and outcomes:
        outcomes[0].warnings = warnings  # carried to summary.json
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
        "min": min(scores, default=None),
        "max": max(scores, default=None),
        "status": statuses,
        "question_means": {
            q: round(statistics.fmean(o.questions.get(q, 0.0) for o in outcomes), 3)
            for q in questions
        },
        "graded_now": sum(not o.skipped for o in outcomes),
        "skipped_unchanged": sum(o.skipped for o in outcomes),
        "warnings": [w for o in outcomes for w in o.warnings],
    }


def write_gradebook(outcomes: list[Outcome], path: Path, extra: dict | None = None) -> list[str]:
    questions = sorted({q for o in outcomes for q in o.questions})
    columns = [*(extra or {}), "student", *questions, "total", "max", "status", "message"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for o in outcomes:
            writer.writerow(
                {
                    **{k: cell(v) for k, v in (extra or {}).items()},
                    "student": cell(o.student),
                    **{q: f"{o.questions.get(q, 0.0):g}" for q in questions},
                    "total": f"{o.score:g}",
                    "max": f"{o.max_score:g}",
                    "status": cell(o.status),
                    "message": cell(o.message),
                }
            )
    return columns


def write_histogram(outcomes: list[Outcome], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = max((o.max_score for o in outcomes), default=1.0) or 1.0
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.hist(
        [o.score for o in outcomes],
        bins=min(20, max(5, int(top) + 1)),
        range=(0, top),
        color="#4878a8",
        edgecolor="white",
    )
    ax.set_xlabel(f"score (of {top:g})")
    ax.set_ylabel("submissions")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_html(
    hw: str, outcomes: list[Outcome], summary: dict, path: Path, item_analysis: str = ""
) -> None:
    e = html.escape
    questions = sorted({q for o in outcomes for q in o.questions})
    rows = "\n".join(
        f"<tr><td><a href='{e(quote(os.fsencode(o.student)))}/{RESULTS}'>{e(shown(o.student))}</a></td>"
        + "".join(f"<td>{o.questions.get(q, 0):g}</td>" for q in questions)
        + f"<td><b>{o.score:g}</b> / {o.max_score:g}</td><td title='{e(o.message)}'>{e(o.status)}</td>"
        f"<td>{o.seconds:.1f}</td></tr>"
        for o in outcomes
    )
    status = ", ".join(f"{e(k)}: {v}" for k, v in sorted(summary["status"].items()))
    means = "".join(
        f"<tr><td>{e(q)}</td><td>{m:g}</td></tr>" for q, m in summary["question_means"].items()
    )
    path.write_text(
        f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{e(hw)} grades</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}} td:first-child{{text-align:left}}</style>
</head><body>
<h1>{e(hw)}: {summary["submissions"]} submissions</h1>
<p>Mean {summary["mean"]}, median {summary["median"]}, standard deviation {summary["stdev"]},
min {summary["min"]}, max {summary["max"]} (of {summary["max_score"]:g}).<br>
Status: {status}. Graded now: {summary["graded_now"]}, unchanged and skipped:
{summary["skipped_unchanged"]}.</p>
<img src="histogram.png" alt="score histogram">
<h2>Questions (mean points)</h2><table>{means}</table>
{item_analysis}
<h2>Students</h2>
<table><tr><th>student</th>{"".join(f"<th>{e(q)}</th>" for q in questions)}<th>total</th>
<th>status</th><th>seconds</th></tr>
{rows}
</table>
{"".join(f"<p><b>Warning:</b> {e(w)}</p>" for w in summary["warnings"])}
<p>Gradebook: <a href="gradebook.csv">gradebook.csv</a>, summary: <a href="summary.json">summary.json</a>.</p>
</body></html>
""",
        encoding="utf-8",
    )


def write_reports(hw: str, outcomes: list[Outcome], out: Path) -> dict:
    out = Path(out)
    summary = summarize(outcomes)
    write_gradebook(outcomes, out / "gradebook.csv")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    write_histogram(outcomes, out / "histogram.png", f"{hw}: {len(outcomes)} submissions")
    analysis = items.analyse(class_results(outcomes, out))
    (out / "items.json").write_text(json.dumps(analysis, indent=2) + "\n", encoding="utf-8")
    items.write_chart(analysis, out / "questions.png")
    write_html(hw, outcomes, summary, out / "report.html", items.html_section(analysis))
    return summary


def class_results(outcomes: list[Outcome], out: Path) -> dict[str, dict]:
    """Every student's results.json that can be read, for the item analysis."""
    found = {}
    for o in outcomes:
        try:
            found[o.student] = json.loads((out / o.student / RESULTS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return found


def grade_all(
    hw: str, root: Path, out: Path, *, jobs: int = 1, force: bool = False, progress: bool = True
) -> tuple[list[Outcome], dict]:
    submissions = find_submissions(root)
    outcomes = grade_folders(
        hw,
        submissions,
        out,
        jobs=jobs,
        force=force,
        progress=progress,
        hide=[str(Path(root).resolve())],
    )
    return outcomes, write_reports(hw, outcomes, out)


if __name__ == "__main__":
    serve()
