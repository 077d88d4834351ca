"""Every place and setting the grader reads, in one module (standard library
only: the sandbox's launcher imports it before torch).

Places. The same package runs in two settings:
  - beside an instructor's course folder (assignments/, solutions/,
    student_template/, tests/samples/): the checkout the package sits in, or
    the folder $AUTOGRADER_COURSE names (COURSE, IN_COURSE true);
  - on a student's machine, installed from the wheel, with nothing but the
    assignment folder they were handed (IN_COURSE false): every instructor-only
    verb then says so instead of failing on a missing folder.

Environment variables (all of them; nothing else reads os.environ for ours):
  AUTOGRADER_COURSE        the instructor's course folder (default: the checkout)
  AUTOGRADER_ASSIGNMENTS   a folder holding <hw>/config.toml (the worker's copy)
  AUTOGRADER_DATA          a folder with MNIST/CIFAR10 in their real formats
  AUTOGRADER_SHARED_DATA   ../shared/data beside a checkout, by default
  AUTOGRADER_CACHE         datasets' cache (default: the course's .cache or ~/.cache)
  AUTOGRADER_DOWNLOAD      "1": the user asked for a download
  AUTOGRADER_HIDE          extra paths the worker must not see (os.pathsep list)
  AUTOGRADER_SANDBOX       caps the sandbox mode: "uid" or "limits"
  AUTOGRADER_CGROUP        "0": no cgroup for the worker
  AUTOGRADER_WARM          "0": every worker (and grade-all's grader) a new process
"""

import os
from pathlib import Path

ENV_COURSE = "AUTOGRADER_COURSE"
ENV_ASSIGNMENTS = "AUTOGRADER_ASSIGNMENTS"
ENV_DATA = "AUTOGRADER_DATA"
ENV_SHARED_DATA = "AUTOGRADER_SHARED_DATA"
ENV_CACHE = "AUTOGRADER_CACHE"
ENV_DOWNLOAD = "AUTOGRADER_DOWNLOAD"
ENV_HIDE = "AUTOGRADER_HIDE"
ENV_SANDBOX = "AUTOGRADER_SANDBOX"
ENV_CGROUP = "AUTOGRADER_CGROUP"
ENV_WARM = "AUTOGRADER_WARM"

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent  # the checkout, when the package runs from one


def env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_paths(name: str) -> list[str]:
    return [p for p in env(name).split(os.pathsep) if p]


class Course:
    """The instructor's course folder and every path in it."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.assignments = self.root / "assignments"
        self.solutions = self.root / "solutions"
        self.template = self.root / "student_template"
        self.samples = self.root / "tests" / "samples"
        self.cache = self.root / ".cache"

    def exists(self) -> bool:
        return self.assignments.is_dir() and self.solutions.is_dir()

    def all_assignments(self) -> list[str]:
        """Assignments with a config and a solution (work in progress has only one)."""
        return sorted(
            p.parent.name
            for p in self.assignments.glob("*/config.toml")
            if (self.solutions / p.parent.name).is_dir()
        )


COURSE = Course(Path(env(ENV_COURSE)) if env(ENV_COURSE) else REPO_ROOT)
IN_COURSE = COURSE.exists()


class NotInRepository(RuntimeError):
    """An instructor-only command was run where there is no course folder."""


def require_course(what: str) -> Course:
    if not IN_COURSE:
        raise NotInRepository(
            f"`{what}` needs the course repository (assignments/ and "
            f"solutions/); the installed grader only checks and grades."
        )
    return COURSE


def all_assignments() -> list[str]:
    return COURSE.all_assignments()


def shared_data() -> Path:
    """../shared/data beside a checkout (or $AUTOGRADER_SHARED_DATA); may not exist."""
    return Path(env(ENV_SHARED_DATA) or REPO_ROOT.parent / "shared" / "data")


def default_cache() -> Path:
    """The course's .cache, or the user's cache folder where the grader is installed."""
    if IN_COURSE:
        return COURSE.cache
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "autograder"
