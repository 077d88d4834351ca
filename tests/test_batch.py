"""grade-all: a class graded one process per submission, reports an instructor can
open, unchanged submissions skipped, zips unpacked safely; make grade builds on it;
the sandbox says what it gives on this machine."""

import base64
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile

import pytest
from harness import SOLUTIONS, TEMPLATE

from autograder import sandbox
from autograder.core import batch
from autograder.core.assignment import REPO_ROOT
from autograder.verbs import classroom, samples

HW, FILE = "hw1_autograd", "myrelu.py"
PARTIAL = REPO_ROOT / "tests" / "samples" / HW / "partial" / FILE


def make_zip(path, entries, symlink=None):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")


def test_unpack_refuses_unsafe_zips_and_unwraps_a_folder(tmp_path):
    cases = {
        "slip.zip": ({"../evil.py": "x", FILE: "x"}, None, "unsafe path"),
        "absolute.zip": ({"/tmp/evil.py": "x"}, None, "unsafe path"),
        "link.zip": ({FILE: "x"}, "link.py", "link"),
        "bomb.zip": ({FILE: "x", "big.bin": "\0" * (3 * 2**20)}, None, "more than 2 MB"),
    }
    for name, (entries, link, says) in cases.items():
        make_zip(tmp_path / name, entries, link)
        dest = tmp_path / name.replace(".zip", "")
        dest.mkdir()
        assert says in batch.unpack(tmp_path / name, dest, max_bytes=2 * 2**20)
    assert not (tmp_path / "evil.py").exists()
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    assert "could not be opened" in batch.unpack(tmp_path / "broken.zip", tmp_path, 2**20)

    make_zip(
        tmp_path / "wrapped.zip",
        {
            "alice/myrelu.py": "ok",
            "alice/extra/data.txt": "1",
            "__MACOSX/alice/._myrelu.py": "junk",
        },
    )
    dest = tmp_path / "alice"
    dest.mkdir()
    assert batch.unpack(tmp_path / "wrapped.zip", dest, 2**20) == ""
    assert sorted(p.name for p in dest.iterdir()) == ["extra", "myrelu.py"]


def test_find_submissions_folders_and_zips(tmp_path):
    for name in ("alice", "bob", ".git", "_notes"):
        (tmp_path / name).mkdir()
    make_zip(tmp_path / "carol.zip", {FILE: "x"})
    make_zip(tmp_path / "bob.zip", {FILE: "x"})
    (tmp_path / "readme.txt").write_text("x")
    found = batch.find_submissions(tmp_path)
    assert sorted(found) == ["alice", "bob", "carol"]
    assert found["bob"].is_dir() and found["carol"].suffix == ".zip"


def test_grade_all_writes_a_gradebook_and_skips_unchanged_work(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    shutil.copytree(SOLUTIONS / HW, subs / "alice")
    make_zip(subs / "bob.zip", {f"bob/{FILE}": (TEMPLATE / HW / FILE).read_text()})

    outcomes, summary = batch.grade_all(HW, subs, out, jobs=2, progress=False)
    by = {o.student: o for o in outcomes}
    assert by["alice"].score == by["alice"].max_score == 24 and by["alice"].status == "ok"
    assert by["bob"].score == 0 and not any(o.skipped for o in outcomes)
    with open(out / "gradebook.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "student",
        "q1_forward",
        "q2_backward",
        "q3_grad_dot_squared",
        "q4_vector_jacobian_product",
        "total",
        "max",
        "status",
        "message",
    ]
    assert [(r["student"], r["total"], r["q2_backward"]) for r in rows] == [
        ("alice", "24", "9"),
        ("bob", "0", "0"),
    ]
    assert summary["mean"] == 12 and summary["median"] == 12 and summary["status"] == {"ok": 2}
    assert (out / "histogram.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "report.html").read_text()
    assert "alice/results.json" in page and "histogram.png" in page
    assert json.loads((out / "alice" / "grading.json").read_text())["score"] == 24

    # Unchanged: nothing regraded. One changed: only it. --force: all.
    again, summary = batch.grade_all(HW, subs, out, jobs=2, progress=False)
    assert all(o.skipped for o in again) and summary["skipped_unchanged"] == 2
    make_zip(subs / "bob.zip", {FILE: PARTIAL.read_text()})
    again, _ = batch.grade_all(HW, subs, out, jobs=2, progress=False)
    assert {o.student: o.skipped for o in again} == {"alice": True, "bob": False}
    assert {o.student: o.score for o in again}["bob"] == 10  # the partial sample
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade-all",
            HW,
            str(subs),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--force",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 graded, 0 unchanged" in done.stdout


def test_samples_builds_on_grade_all(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(samples, "all_assignments", lambda: [HW])
    assert samples.main(str(tmp_path), jobs=2) == 0
    for name in ("solution", "stub", "partial"):
        assert (tmp_path / HW / name / "results.json").is_file()
    assert (tmp_path / HW / "report.html").is_file()
    with open(tmp_path / "gradebook.csv") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    assert rows["solution"]["total"] == "24.0" and rows["stub"]["total"] == "0.0"
    assert rows["partial"]["assignment"] == HW and rows["partial"]["status"] == "ok"
    samples.main(str(tmp_path), jobs=2)
    assert capsys.readouterr().out.count("(unchanged)") == 3


def test_classroom_payload_adds_up_and_names_no_hidden_test():
    results = {
        "score": 3,
        "output": "Graded.",
        "tests": [
            {
                "name": "q1: a",
                "score": 2,
                "max_score": 2,
                "status": "passed",
                "output": "ok",
                "visibility": "visible",
            },
            {
                "name": "q1: secret",
                "score": 1,
                "max_score": 1,
                "status": "passed",
                "output": "",
                "visibility": "after_published",
            },
            {
                "name": "q2: secret",
                "score": 0,
                "max_score": 4,
                "status": "failed",
                "output": "expected 3",
                "visibility": "after_published",
            },
        ],
    }
    data = json.loads(base64.b64decode(classroom.encode(results)))
    assert data["version"] == 1 and data["max_score"] == 7 and data["status"] == "fail"
    assert sum(t["score"] for t in data["tests"]) == 3
    assert "secret" not in json.dumps(data) and "expected 3" not in json.dumps(data)
    empty = classroom.payload({"score": 0, "output": "zip refused", "tests": []})
    assert empty["tests"][0]["status"] == "error" and "zip refused" in empty["tests"][0]["message"]


def test_sandbox_reports_what_it_gives_here():
    report = sandbox.check()
    assert report["mode"] in ("namespaces", "uid", "limits")
    if report["mode"] in ("namespaces", "uid"):
        assert int(report["uid_seen_by_worker"]) >= sandbox.UID_BASE
    if report["mode"] == "namespaces":
        assert any("no network" in m for m in report["measures"])

        def listed(prefix):
            return sum(
                (
                    m.split(": ", 1)[1].split(", ")
                    for m in report["measures"]
                    if m.startswith(prefix)
                ),
                [],
            )

        # Hidden: under an empty mount, or under /tmp when the worker's /tmp is private
        # (a clone in /tmp is covered by the fresh tmpfs), and not bound back.
        private_tmp = any(m.startswith("private /tmp") for m in report["measures"])
        hidden = listed("hidden") + (["/tmp"] if private_tmp else [])
        repo = os.path.realpath(REPO_ROOT)
        assert any(sandbox.is_under(repo, folder) for folder in hidden), (
            "the repository must lie under a folder the worker cannot see"
        )
        assert not any(sandbox.is_under(repo, folder) for folder in listed("bound back")), (
            "the repository must not be bound back into the worker's view"
        )
    else:
        assert report["missing"], "a weaker mode must say what it does not give"


def test_torch_imports_under_the_default_memory_limit():
    """RLIMIT_DATA, not RLIMIT_AS: torch reserves ~3 GB of address space at import
    (RLIMIT_AS of 2 GB makes the import fail) but needs ~0.8 GB of data."""
    mb = sandbox.Limits().memory_mb * 2**20

    def limit():
        resource.setrlimit(resource.RLIMIT_DATA, (mb, mb))

    done = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.ones(3).sum())"],
        preexec_fn=limit,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "3." in done.stdout, done.stderr[-500:]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_prepare_container_closes_the_secrets_it_is_given(tmp_path):
    """For Gradescope's run_autograder (uid mode): secrets become 0700. `runtime=[]`
    keeps this test from touching the machine's Python folders."""
    secret = tmp_path / "source"
    secret.mkdir(mode=0o755)
    done = sandbox.prepare_container(secrets=[str(secret)], runtime=[])
    assert done == [f"{secret}: 0700"] and (secret.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("mode", ["uid", "limits"])
def test_weaker_sandbox_modes_still_grade_and_say_what_is_missing(mode, monkeypatch):
    """Where namespaces are refused (Docker's default profile) or the grader is not
    root, grading works the same and the results say which guarantees are missing."""
    from autograder.core.engine import grade

    monkeypatch.setenv("AUTOGRADER_SANDBOX", mode)
    report = grade(HW, SOLUTIONS / HW, only=["q1_forward"])
    assert report.score == report.max_score == 6, [c.message for c in report.cases]
    missing = [line for line in report.sandbox if line.startswith("NOT: ")]
    assert any("network isolation" in line for line in missing)
    if mode == "limits" or os.geteuid() != 0:
        assert any("separate user" in line for line in missing)


def test_process_watchdog_where_rlimit_nproc_cannot_count(tmp_path, monkeypatch):
    """A root grader in 'limits' mode (no user to drop to) is exempt from RLIMIT_NPROC:
    the engine's watchdog counts the worker's processes instead. The bomb here is
    bounded (100 sleeping children, in one probe: the notes' 2-element example), so
    this test is safe even if the watchdog failed."""
    from autograder.core.engine import grade

    monkeypatch.setenv("AUTOGRADER_SANDBOX", "limits")
    source = (TEMPLATE / HW / FILE).read_text() + (
        "\nimport os, time\n\ndef grad_dot_squared(x, y):\n"
        "    if len(x) != 2:\n        raise NotImplementedError\n    for _ in range(100):\n"
        "        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n"
        "    time.sleep(30)\n"
    )
    (tmp_path / FILE).write_text(source)
    report = grade(HW, tmp_path, only=["q3_grad_dot_squared"])
    assert report.score == 0 and "process limit" in report.status, report.problems


# -- hostile batches: one barrier per student --------------------------------------------
def encrypt(path) -> None:
    """Mark every member of a zip as encrypted (bit 0 of its flags)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def damage(path) -> None:
    """Flip bytes in the middle of the first member's data."""
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 2 + 1):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def encrypted_zip(path, entries):
    make_zip(path, entries)
    encrypt(path)


def damaged_zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    damage(path)


def nest(folder, levels: int, name="d") -> None:
    """`levels` nested folders below `folder`, made without recursion or long paths."""
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir(name, dir_fd=fd)
        below = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.close(fd)


def unnest(folder, name="d") -> None:
    """Remove what `nest` made (shutil.rmtree recurses once a level)."""
    fds = [os.open(folder, os.O_RDONLY)]
    while name in os.listdir(fds[-1]):
        fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
    for parent, child in zip(fds[-2::-1], fds[:0:-1]):
        for entry in os.listdir(child):
            os.unlink(entry, dir_fd=child)
        os.close(child)
        os.rmdir(name, dir_fd=parent)
    os.close(fds[0])


def test_unpack_survives_encrypted_damaged_and_clashing_zips(tmp_path):
    source = (SOLUTIONS / HW / FILE).read_text() * 20
    encrypted_zip(tmp_path / "encrypted.zip", {FILE: source})
    damaged_zip(tmp_path / "damaged.zip", {FILE: source})
    make_zip(tmp_path / "clash.zip", {FILE: "x", "data": "x", "data/more.txt": "y"})
    make_zip(tmp_path / "clash2.zip", {"data/more.txt": "y", "data": "x"})
    make_zip(tmp_path / "deep.zip", {"d/" * 40 + FILE: "x"})
    make_zip(
        tmp_path / "badname.zip",
        {"a\x00b.py": "x", "\udcff.py".encode("utf-8", "surrogateescape").decode("cp437"): "x"},
    )
    for name, says in {
        "encrypted.zip": "encrypted",
        "damaged.zip": "could not be unpacked",
        "clash.zip": "could not be unpacked",
        "clash2.zip": "could not be unpacked",
        "deep.zip": "nested more than",
    }.items():
        dest = tmp_path / name.replace(".zip", "")
        dest.mkdir()
        assert says in batch.unpack(tmp_path / name, dest, max_bytes=2**20), name
    dest = tmp_path / "badname"
    dest.mkdir()
    batch.unpack(tmp_path / "badname.zip", dest, max_bytes=2**20)  # a message or files


def read_bytes_of_this_process() -> int:
    with open("/proc/self/io") as f:
        return int(next(line for line in f if line.startswith("rchar:")).split()[1])


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs /proc/self/io")
def test_hashing_is_streamed_capped_and_never_recurses(tmp_path):
    """A 1 GB sparse file is hashed by its size and date (it is left out of the
    worker's copy too), names that are not UTF-8 hash as bytes, a FIFO is not
    opened, 1,100 nested folders are refused without a recursion error."""
    alice = tmp_path / "alice"
    alice.mkdir()
    (alice / FILE).write_text("x = 1\n")
    with open(alice / "data.bin", "wb") as f:
        f.truncate(2**30)
    (alice / os.fsdecode(b"notes_\xff.txt")).write_text("odd name\n")
    os.mkfifo(alice / "pipe")
    before = read_bytes_of_this_process()
    first = batch.hash_submission(alice)
    assert read_bytes_of_this_process() - before < 2**20
    assert batch.hash_submission(alice) == first
    (alice / FILE).write_text("x = 2\n")
    assert batch.hash_submission(alice) != first

    deep = tmp_path / "deep"
    deep.mkdir()
    nest(deep, 1100)
    try:
        with pytest.raises(batch.Refused, match="nested more than"):
            batch.hash_submission(deep)
    finally:
        unnest(deep)


def test_a_batch_never_dies_for_one_student(tmp_path, monkeypatch):
    """Every student gets a row with a status and a message whatever their folder or
    zip is like, and the gradebook, summary and report are written. Grading itself
    is replaced by a stub here (the hostile class grades for real)."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()

    def fake_grader(hw, submission, results_path, log_path, limit, hide, server=None):
        if (submission / "boom.txt").exists():
            raise RuntimeError("the grader itself broke")
        results.write_failure(results_path, "Graded.", status="ok")

    from autograder.core import results

    monkeypatch.setattr(batch, "run_grader", fake_grader)
    for name in (
        "alice",
        '=HYPERLINK("evil.example","x")',
        "+1",
        "-2",
        "@SUM(A1)",
        os.fsdecode(b"bytes_\xff"),
        "boom",
        "gradebook.csv",
        "REPORT.HTML",
        "deep",
    ):
        (subs / name).mkdir()
        (subs / name / FILE).write_text("x = 1\n")
    (subs / "boom" / "boom.txt").write_text("x")
    nest(subs / "deep", 40)
    encrypted_zip(subs / "enc.zip", {FILE: "x = 1\n"})
    damaged_zip(subs / "bad.zip", {FILE: "x = 1\n" * 200})
    make_zip(subs / "clash.zip", {FILE: "x", "data": "x", "data/more.txt": "y"})

    outcomes, summary = batch.grade_all(HW, subs, out, jobs=2, progress=False)
    by = {o.student: o for o in outcomes}
    assert len(by) == 13 and summary["submissions"] == 13
    assert by["alice"].status == "ok" and by[os.fsdecode(b"bytes_\xff")].status == "ok"
    expected = {
        "boom": ("grader error", "the grader itself broke"),
        "gradebook.csv": ("rejected", "keeps for its own reports"),
        "REPORT.HTML": ("rejected", "keeps for its own reports"),
        "deep": ("rejected", "nested more than"),
        "enc": ("rejected", "encrypted"),
        "bad": ("rejected", "could not be unpacked"),
        "clash": ("rejected", "could not be unpacked"),
    }
    for student, (status, says) in expected.items():
        assert (by[student].status, says in by[student].message) == (status, True), by[student]
        if student not in ("gradebook.csv", "REPORT.HTML"):
            assert json.loads((out / student / "results.json").read_text())["score"] == 0
    assert (
        "broke" not in (out / "boom" / "results.json").read_text()
    )  # the student sees no internals
    assert (out / "gradebook.csv").is_file() and (out / "report.html").is_file()
    raw = (out / "gradebook.csv").read_bytes()
    rows = {r["student"]: r for r in csv.DictReader(raw.decode("utf-8").splitlines())}
    for name in ('=HYPERLINK("evil.example","x")', "+1", "-2", "@SUM(A1)"):
        assert "'" + name in rows, sorted(rows)  # shown as text, never run as a formula
    assert not any(
        cell.startswith(batch.FORMULA_START) for r in rows.values() for cell in r.values()
    )
    assert "bytes_\\udcff" in rows and rows["deep"]["message"]
    (out / "report.html").read_bytes().decode("utf-8")
    unnest(subs / "deep")


HOSTILE_TAIL = """
import builtins, os, sys, tempfile, torch
sys.modules["torch.nn"] = None                   # what it imports next breaks
torch.set_default_dtype(torch.float64)
torch.manual_seed(1234)
torch.set_num_threads(1)
torch.set_grad_enabled(False)
builtins.len = lambda x: 0
builtins.sum = lambda *a, **k: 0
os.environ["PYTHONPATH"] = "/nowhere"
os.environ["OMP_NUM_THREADS"] = "64"
for folder in (tempfile.gettempdir(), os.path.expanduser("~"), "."):
    try:
        with open(os.path.join(folder, "myrelu.py"), "w") as f:
            f.write("def my_relu(x):\\n    return x * 0\\n")
    except OSError:
        pass
os.chdir("/")
"""


def test_one_grading_server_leaks_nothing_into_the_next_submission(tmp_path, monkeypatch):
    """A submission that changes sys.modules, torch's global state, builtins, the
    environment, the working directory and files in its temporary folders does not
    change the grade of the reference graded after it by the same server."""
    starts = []
    real_start = batch.GradingServer._start

    def counted(server):
        starts.append(server)
        real_start(server)

    monkeypatch.setattr(batch.GradingServer, "_start", counted)
    subs = tmp_path / "subs"
    hostile = shutil.copytree(SOLUTIONS / HW, subs / "a_hostile")
    with open(hostile / FILE, "a") as f:
        f.write(HOSTILE_TAIL)
    shutil.copytree(SOLUTIONS / HW, subs / "b_reference")
    outcomes = batch.grade_folders(
        HW,
        {"a_hostile": hostile, "b_reference": subs / "b_reference"},
        tmp_path / "out",
        jobs=1,
        progress=False,
    )
    by = {o.student: o for o in outcomes}
    assert len(starts) == 1 and not starts[0].broken  # one warm server graded both
    assert by["b_reference"].score == by["b_reference"].max_score == 24, by["b_reference"]
    assert (
        json.loads((tmp_path / "out" / "b_reference" / "results.json").read_text())["score"] == 24
    )
