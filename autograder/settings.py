"""Where things are: the package, the course repository (when the grader runs
from a checkout), the data and the cache. Every other module asks here.

The same package runs in two places:
  - the instructor's checkout, beside assignments/, solutions/ and
    student_template/ (REPO_ROOT, IN_REPO true);
  - a student's machine, installed from the wheel, with nothing but the
    assignment folder they were handed (IN_REPO false): every instructor-only
    verb then says so instead of failing on a missing folder.
"""
import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent
IN_REPO = (REPO_ROOT / "assignments").is_dir() and (REPO_ROOT / "solutions").is_dir()


class NotInRepository(RuntimeError):
    """An instructor-only command was run where there is no course repository."""


def require_repo(what: str) -> Path:
    if not IN_REPO:
        raise NotInRepository(f"`{what}` needs the course repository (assignments/ and "
                              f"solutions/); the installed grader only checks and grades.")
    return REPO_ROOT


def shared_data() -> Path:
    """../shared/data beside a checkout (or $AUTOGRADER_SHARED_DATA); may not exist."""
    if os.environ.get("AUTOGRADER_SHARED_DATA"):
        return Path(os.environ["AUTOGRADER_SHARED_DATA"])
    return REPO_ROOT.parent / "shared" / "data"


def default_cache() -> Path:
    """The checkout's .cache, or the user's cache folder where the grader is installed."""
    if IN_REPO:
        return REPO_ROOT / ".cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "autograder"
