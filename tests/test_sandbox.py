"""The sandbox's limits hold (issue 11 §3), attacked as a student would: from
my_relu (probe time) or at import of an hw1 submission, under short limits.

Each attack gets its honest outcome (the limit it hit, in plain words), the
grader survives, nothing is left on the host (files, processes, cgroups), and
the next submission graded gets its full score. Where a measure depends on the
machine (cgroups, namespaces), the test runs every mode this machine gives:
the cgroup, the watchdog without one (AUTOGRADER_CGROUP=0) and the weaker
sandbox modes (AUTOGRADER_SANDBOX=uid / limits)."""

import mmap
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from harness import SOLUTIONS

from autograder import sandbox
from autograder.core.assignment import REPO_ROOT
from autograder.core.engine import grade
from autograder.settings import PACKAGE_ROOT

HW, FILE = "hw1_autograd", "myrelu.py"
SOLUTION = (SOLUTIONS / HW / FILE).read_text()
MODES = {
    "cgroup": {},
    "watchdog": {"AUTOGRADER_CGROUP": "0"},
    "limits": {"AUTOGRADER_SANDBOX": "limits"},
}
HERE = sandbox.check()  # what this machine gives, once
NAMESPACES = HERE["mode"] == "namespaces"
CGROUP = not HERE["cgroup"].startswith("none")


def config(limits: str, test_timeout: int = 20) -> str:
    return (
        f'name = "{HW}"\ntitle = "hw1, short limits"\nfiles = ["{FILE}"]\nseed = 0\nthreads = 1\n'
        f"import_timeout = 60\ntest_timeout = {test_timeout}\nsubmission_timeout = 120\n"
        f"[params]\natol = 1e-6\n[limits]\n{limits}\n"
        # these attacks reach for frames and fds on purpose: the tamper scan marks them
        # "needs review" (test_tamper); here what counts is that the limits hold
        f'[review]\non_tamper = "flag"\n'
    )


def limit_status(report) -> str:
    """The report's status but for the review label the tamper scan adds."""
    return report.status.removeprefix("needs review; ")


@pytest.fixture
def assignment(tmp_path, monkeypatch):
    """hw1 with its own config.toml: call it with the [limits] lines to use."""

    def make(limits: str, **kw) -> None:
        folder = tmp_path / "assignments" / HW
        if not folder.exists():
            shutil.copytree(REPO_ROOT / "assignments" / HW, folder)
        (folder / "config.toml").write_text(config(limits, **kw))
        monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(folder.parent))

    return make


def submit(tmp_path: Path, code: str, name="attack") -> Path:
    """The solution with `code` before its my_relu runs (ATTACK() at the top of it)."""
    folder = tmp_path / name
    folder.mkdir()
    source = SOLUTION.replace(
        'def my_relu(x):\n    """Apply MyReLU to a tensor of any shape."""\n',
        'def my_relu(x):\n    """Apply MyReLU to a tensor of any shape."""\n    ATTACK()\n',
    )
    assert "ATTACK()" in source
    (folder / FILE).write_text("import os, sys, time\n" + code + "\n" + source)
    return folder


def our_cgroups() -> list[str]:
    """Cgroups this grading process made that still exist."""
    left = []
    for _, _, point, _ in sandbox._cgroup_mounts():
        for folder, dirs, _ in os.walk(point):
            left += [
                os.path.join(folder, d) for d in dirs if d.startswith(f"autograder-{os.getpid()}-")
            ]
            if folder.count("/") > point.count("/") + 3:
                dirs[:] = []
    return left


def leftover_processes(uids) -> list[int]:
    uids = set(uids)
    return [pid for pid, (_, uid) in sandbox._process_table().items() if uid in uids]


def assert_clean_and_next_is_full(report, tmp_path) -> None:
    """Nothing of the attack is left, and an honest submission graded next earns
    its full score with status ok."""
    assert not leftover_processes(report.sandbox_uids), "processes left after grading"
    assert not our_cgroups(), "cgroups left after grading"
    honest = grade(HW, SOLUTIONS / HW, only=["q1_forward"])
    assert honest.score == honest.max_score > 0 and honest.status == "ok", honest.problems


def use_mode(monkeypatch, mode: str) -> None:
    if mode == "cgroup" and not CGROUP:
        pytest.skip(f"no usable cgroup here ({HERE['cgroup']})")
    for key, value in MODES[mode].items():
        monkeypatch.setenv(key, value)


# -- memory held in shared mappings and memfds --------------------------------------------
SHARED_MEMORY = """
_held = []
def ATTACK():
    if _held:
        return
    for _ in range(6):                       # 6 memfds of 128 MB held open, never mapped:
        fd = os.memfd_create("hoard")        # shared memory, not in RLIMIT_DATA
        for _ in range(2):
            os.write(fd, b"\\1" * (64 * 2**20))
        _held.append(fd)
    import mmap
    for _ in range(12):                      # and 12 x 64 MB of shared anonymous maps
        block = mmap.mmap(-1, 64 * 2**20)
        block.write(b"\\1" * (64 * 2**20))
        _held.append(block)
    time.sleep(30)                           # hold it: 1.5 GB under a 1024 MB limit
"""


@pytest.mark.parametrize("mode", ["cgroup", "watchdog", "limits"])
def test_shared_memory_and_memfds_count_against_the_memory_limit(
    mode, assignment, tmp_path, monkeypatch
):
    use_mode(monkeypatch, mode)
    assignment("memory_mb = 1024")
    report = grade(HW, submit(tmp_path, SHARED_MEMORY), only=["q1_forward"])
    assert limit_status(report) == "memory limit", (limit_status(report), report.problems)
    assert any("1024 MB of memory" in p for p in report.problems), report.problems
    assert report.score < report.max_score
    how = "watchdog" if mode == "watchdog" or not CGROUP else "cgroup"
    assert any(line.startswith("memory:") and how in line for line in report.sandbox), (
        report.sandbox
    )
    assert_clean_and_next_is_full(report, tmp_path)


def test_the_watchdog_counts_memfds_and_shared_maps_once():
    """Without a cgroup: a memfd held open and a shared map count, each page once."""
    me = [os.getpid()]
    before = sandbox.memory_mb(me)
    fd = os.memfd_create("watched")
    try:
        os.write(fd, b"\1" * (64 * 2**20))
        held = sandbox.memory_mb(me)
        shared = mmap.mmap(fd, 64 * 2**20)  # the same pages, now mapped too
        shared[:] = b"\2" * (64 * 2**20)
        mapped = sandbox.memory_mb(me, above_mb=0)
        shared.close()
    finally:
        os.close(fd)
    assert 60 < held - before < 70, (before, held)
    assert 60 < mapped - before < 75, (before, mapped)  # not 128: counted once


# -- the host's world-writable folders ------------------------------------------------------
PRIVATE_FOLDERS = """
_token = os.environ.get("HOME", "x").replace("/", "_")
def ATTACK():
    seen = []
    for folder in ("/var/tmp", "/run/lock", "/dev/shm", "/tmp"):
        if os.path.exists(os.path.join(folder, "host-canary-__TOKEN__")):
            seen.append(folder)
        with open(os.path.join(folder, "left-by-student-__TOKEN__"), "w") as f:
            f.write("x")
    for path in ("/home", "/opt", "/srv", "/mnt", "/media", "__REPO__/solutions",
                 "__REPO__/assignments", "__REPO__/autograder"):
        if os.path.exists(path):
            seen.append(path)
    if os.listdir("/var") != ["tmp"] or os.listdir("/run") != ["lock"]:
        seen.append("/var: " + str(os.listdir("/var")) + ", /run: " + str(os.listdir("/run")))
    if seen:
        raise RuntimeError("LEAK: sees " + ", ".join(seen))
"""


@pytest.mark.skipif(not NAMESPACES, reason="needs mount namespaces (else the results say so)")
def test_world_writable_folders_are_private_and_nothing_outlives_grading(assignment, tmp_path):
    assignment("disk_mb = 64")
    token = f"{os.getpid()}-{time.monotonic_ns()}"
    canaries = []
    for folder in ("/var/tmp", "/run/lock", "/dev/shm", "/tmp"):
        if os.path.isdir(folder):
            path = Path(folder) / f"host-canary-{token}"
            path.write_text("another student's file")
            path.chmod(0o644)
            canaries.append(path)
    try:
        report = grade(
            HW,
            submit(
                tmp_path,
                PRIVATE_FOLDERS.replace("__TOKEN__", token).replace("__REPO__", str(REPO_ROOT)),
            ),
            only=["q1_forward"],
        )
    finally:
        for path in canaries:
            path.unlink()
    assert report.score == report.max_score, [c.message for c in report.cases]  # honest work
    for folder in ("/var/tmp", "/run/lock", "/dev/shm", "/tmp"):
        assert (
            not list(Path(folder).glob(f"left-by-student-{token}"))
            if os.path.isdir(folder)
            else True
        ), f"a file outlived grading in {folder}"
    assert any(m.startswith("private /tmp, /var/tmp, /run/lock, /dev/shm") for m in report.sandbox)
    assert_clean_and_next_is_full(report, tmp_path)


@pytest.mark.parametrize("mode", ["uid", "limits"])
def test_weaker_modes_say_the_shared_folders_are_not_private(mode, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SANDBOX", mode)
    report = sandbox.check()
    assert any("/var/tmp, /run/lock and /dev/shm" in m for m in report["missing"]), report
    assert report["host_folders_it_could_write"], "the check must show what it could write"
    for folder in sandbox.SHARED_TMP:  # and the check leaves nothing behind
        assert not list(Path(folder).glob(f"autograder-check-{os.getpid()}")), folder


def test_uid_mode_removes_what_its_user_left_in_shared_folders(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    uid = sandbox.UID_BASE + 12345
    for name in ("file", "folder"):
        (shared / name).mkdir() if name == "folder" else (shared / name).write_text("x")
        if os.geteuid() == 0:
            os.chown(shared / name, uid, uid)
    (shared / "grader's").write_text("kept")
    sandbox.remove_files_of(uid, folders=[str(shared)])
    left = sorted(p.name for p in shared.iterdir())
    assert left == (["grader's"] if os.geteuid() == 0 else ["file", "folder", "grader's"])


# -- the package the worker imports ------------------------------------------------------------
CHANGE_THE_PACKAGE = """
import autograder.testing
def ATTACK():
    if getattr(ATTACK, "done", False):
        return
    ATTACK.done = True
    print("compiled:", os.path.exists(autograder.testing.__cached__), flush=True)
    try:
        with open(autograder.testing.__file__, "a") as f:
            f.write("\\nFORGED = True\\n")
        print("changed the package", flush=True)
    except OSError as exc:
        print("could not change the package:", exc.strerror, flush=True)
"""


@pytest.mark.parametrize("mode", ["namespaces", "uid", "limits"])
def test_the_package_a_worker_imports_is_compiled_and_no_other_submission_sees_changes(
    mode, assignment, tmp_path, monkeypatch
):
    """Workers share one compiled copy of the package, bound read-only; where there
    are no mounts each gets its own copy. Either way a submission that writes to it
    changes nothing for the next, and the shared copy stays as it was made."""
    if mode == "namespaces" and not NAMESPACES:
        pytest.skip("needs mount namespaces")
    if mode != "namespaces":
        monkeypatch.setenv("AUTOGRADER_SANDBOX", mode)
    assignment("")
    shared = sandbox.compiled_package(PACKAGE_ROOT)
    before = (shared / "testing.py").read_bytes()
    report = grade(HW, submit(tmp_path, CHANGE_THE_PACKAGE), only=["q1_forward"])
    assert "compiled: True" in report.student_output, report.student_output
    if report.sandbox_uids:  # its own user (else, as the grader's, it changes its own copy)
        assert "could not change the package" in report.student_output, report.student_output
    assert (shared / "testing.py").read_bytes() == before
    assert_clean_and_next_is_full(report, tmp_path)


def test_the_compiled_package_is_made_once_per_version_in_a_private_folder(tmp_path, monkeypatch):
    """Made once (with bytecode) and reused; a changed file makes a new one, and what
    no grader used for a day goes; a folder another user could write to is never
    used (the source is, uncompiled)."""
    source = tmp_path / "package"
    source.mkdir()
    (source / "module.py").write_text("VALUE = 1\n")
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    first = sandbox.compiled_package(source)
    assert first != source and list((first / "__pycache__").glob("module.*.pyc"))
    assert sandbox.compiled_package(source) == first
    (source / "module.py").write_text("VALUE = 22\n")
    a_day_ago = time.time() - sandbox.paths.UNUSED_SECONDS - 60
    os.utime(first, (a_day_ago, a_day_ago))  # unused since: removed when a new one is made
    stale_path = sandbox.paths.private_folder() / "interpreter-path-old.json"
    stale_path.write_text("[]")
    os.utime(stale_path, (a_day_ago, a_day_ago))
    second = sandbox.compiled_package(source)
    assert second not in (first, source) and (second / "module.py").read_text() == "VALUE = 22\n"
    assert not first.exists() and not stale_path.exists()
    sandbox.paths.private_folder().chmod(0o777)
    assert sandbox.compiled_package(source) == source


def test_whether_namespaces_work_is_asked_once_per_standing(tmp_path, monkeypatch):
    """The answer (a throwaway fork of the grading process, 15 ms with torch loaded) is
    kept in the private folder and read back by the next grading process: the same
    answer, without asking again."""
    from autograder.sandbox import launcher, zygote

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    asked = []
    monkeypatch.setattr(launcher, "namespaces_work", lambda: asked.append(1) or "not here")
    assert zygote.namespaces_answer() == "not here"
    assert zygote.namespaces_answer() == "not here"
    assert len(asked) == 1
    assert list(sandbox.paths.private_folder().glob("namespaces-*.json"))


# -- files in the private tmpfs --------------------------------------------------------------
MANY_FILES = """
def ATTACK():
    for i in range(200_000):
        with open(f"/tmp/f{i}", "w"):
            pass
"""


@pytest.mark.skipif(not NAMESPACES, reason="a private tmpfs needs mount namespaces")
def test_files_in_the_private_tmpfs_stop_at_the_inode_cap(assignment, tmp_path):
    assignment("files = 3000")
    report = grade(HW, submit(tmp_path, MANY_FILES), only=["q1_forward"])
    assert "disk limit" in limit_status(report), (limit_status(report), report.problems)
    assert any("3000 files" in p for p in report.problems), report.problems
    assert any("3000 files and folders" in m for m in report.sandbox), report.sandbox
    assert report.score == 0
    assert_clean_and_next_is_full(report, tmp_path)


# -- forked spinners -------------------------------------------------------------------------
SPINNERS = """
def _spin(count):
    pids = []
    for _ in range(count):
        reader, writer = os.pipe()
        if os.fork() == 0:                   # double fork: not the worker's child
            os.setsid()
            if os.fork() == 0:
                os.write(writer, str(os.getpid()).encode().ljust(16))
                while True:
                    pass
            os._exit(0)
        os.wait()
        pids.append(int(os.read(reader, 16)))
    return pids

def _running(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False
"""
SPINNERS_BETWEEN_PROBES = (
    SPINNERS
    + """
_started = {}   # probe -> spinners it started
def ATTACK():
    frame, probe = sys._getframe(), None
    while frame and not probe:
        probe = frame.f_code.co_name if "/probes/" in frame.f_code.co_filename else None
        frame = frame.f_back
    alive = [p for name, pids in _started.items() if name != probe for p in pids if _running(p)]
    if alive:
        raise RuntimeError(f"LEAK: spinners {alive} ran on between probes")
    if probe not in _started:
        _started[probe] = _spin(2)
"""
)
SPINNERS_FOR_CPU = (
    SPINNERS
    + """
def ATTACK():
    _spin(3)
    time.sleep(60)                           # its own CPU time stays near 0
"""
)


@pytest.mark.parametrize("mode", ["cgroup", "limits"])
def test_processes_started_by_a_probe_are_killed_when_it_returns(
    mode, assignment, tmp_path, monkeypatch
):
    use_mode(monkeypatch, mode)
    assignment("processes = 32")
    report = grade(HW, submit(tmp_path, SPINNERS_BETWEEN_PROBES), only=["q1_forward"])
    assert report.score == report.max_score, [c.message for c in report.cases]
    assert not any("LEAK" in c.message for c in report.cases)
    assert any("killed when each test's probe returns" in m for m in report.sandbox)
    assert_clean_and_next_is_full(report, tmp_path)


@pytest.mark.parametrize("mode", ["cgroup", "watchdog", "limits"])
def test_cpu_time_is_counted_across_all_processes(mode, assignment, tmp_path, monkeypatch):
    use_mode(monkeypatch, mode)
    assignment("cpu_seconds = 8", test_timeout=40)
    started = time.monotonic()
    report = grade(HW, submit(tmp_path, SPINNERS_FOR_CPU), only=["q1_forward"])
    assert limit_status(report) == "CPU limit", (
        limit_status(report),
        report.problems,
    )  # no restart after
    assert any(
        "8 s of CPU time" in p and "all its processes together" in p for p in report.problems
    ), report.problems
    assert report.score == 0
    assert time.monotonic() - started < 120  # stopped by CPU time, not by the 40 s timeouts
    assert_clean_and_next_is_full(report, tmp_path)


# -- the cgroup itself -----------------------------------------------------------------------
@pytest.mark.skipif(not CGROUP, reason="no usable cgroup here")
def test_a_cgroup_gets_the_limits_and_is_removed():
    limits = sandbox.Limits(memory_mb=700, processes=17, cpus=1)
    group, why = sandbox.Cgroup.create(limits)
    assert group and not why
    try:
        d = group.dirs
        if group.version == "v1":
            assert int(open(f"{d['memory']}/memory.limit_in_bytes").read()) == 700 * 2**20
            assert open(f"{d['cpu']}/cpu.cfs_quota_us").read().strip() == "100000"
        else:
            assert int(open(f"{d['memory']}/memory.max").read()) == 700 * 2**20
        assert open(f"{d['pids']}/pids.max").read().strip() == "17"
        assert group.pids() == [] and group.oom_kills() == 0
    finally:
        group.remove()
    assert not any(os.path.exists(p) for p in group.dirs.values())


def test_without_a_cgroup_the_results_say_so(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CGROUP", "0")
    report = sandbox.check()
    assert report["cgroup"].startswith("none")
    assert any("watchdog" in m and m.startswith("memory:") for m in report["measures"])
    assert any("no cgroup" in m for m in report["missing"])


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_cgroup_files_are_read_and_written_as_each_version_names_them(version, tmp_path):
    """The kernel's file names and formats, on a plain folder (a machine has one
    version at most: this keeps the other one honest too)."""
    group = sandbox.Cgroup(version, {c: str(tmp_path) for c in sandbox.Cgroup.WANTED})
    group._limit(sandbox.Limits(memory_mb=300, processes=9, cpus=2))
    read = lambda name: (tmp_path / name).read_text().strip()  # noqa: E731
    if version == "v2":
        assert (read("memory.max"), read("pids.max"), read("cpu.max")) == (
            str(300 * 2**20),
            "9",
            "200000 100000",
        )
        (tmp_path / "memory.events").write_text("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n")
        (tmp_path / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\n")
    else:
        assert (read("memory.limit_in_bytes"), read("pids.max"), read("cpu.cfs_quota_us")) == (
            str(300 * 2**20),
            "9",
            "200000",
        )
        (tmp_path / "memory.oom_control").write_text(
            "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"
        )
        (tmp_path / "cpuacct.usage").write_text("2500000000\n")
    (tmp_path / "cgroup.procs").write_text("12\n34\n")
    assert group.oom_kills() == 1 and group.cpu_seconds() == 2.5 and group.pids() == [12, 34]
