"""Gradescope's container, made safe for 'uid' mode before grading."""

import os
import stat
from pathlib import Path

from .paths import is_under, runtime_paths


def prepare_container(
    secrets=("/autograder/source", "/autograder/results"), runtime: list[str] | None = None
) -> list[str]:
    """Run once, as root, at the start of Gradescope's `run_autograder` (a throwaway
    container), before grading. Docker's default profile refuses namespaces there,
    so the sandbox falls back to 'uid' mode; this makes that mode safe:

      - `secrets` (the autograder source with hidden tests and solutions, the
        results folder) become mode 0700: the worker's uid cannot read or write them;
      - the Python runtime (often under /root, which is 0700) becomes reachable
        by other users: o+x on its folders above, o+rX inside is already usual.

    Returns what it did, in words, for the log. Never run this on a shared machine."""
    done = []
    if os.geteuid() != 0:
        return ["not root: nothing changed"]
    for path in secrets:
        if os.path.exists(path):
            os.chmod(path, 0o700)
            done.append(f"{path}: 0700")
    for path in runtime_paths() if runtime is None else runtime:
        for folder in list(reversed(Path(path).parents)) + [Path(path)]:
            try:
                mode = os.stat(folder).st_mode
            except OSError:
                break
            if (
                stat.S_ISDIR(mode)
                and not mode & stat.S_IXOTH
                and not any(is_under(str(folder), s) for s in secrets)
            ):
                os.chmod(folder, mode | stat.S_IXOTH)
                done.append(f"{folder}: o+x")
    return done
