"""`python -m autograder gradescope <hw>`: the grading step of the zip's
run_autograder on Gradescope (see verbs/zip.py)."""

import argparse
import os

from ..core.report import grade_to_file as grade
from ..sandbox import prepare_container
from ..settings import ENV_HIDE, env_paths


def main(
    hw: str,
    submission: str = "/autograder/submission",
    results: str = "/autograder/results/results.json",
    secrets: tuple[str, ...] = ("/autograder/source", "/autograder/results"),
) -> int:
    """The grading step of Gradescope's run_autograder, as root:

        cd /autograder/source/files && python -m autograder gradescope <hw>

    closes the secrets and opens the Python runtime (prepare_container), tells the
    sandbox to hide the secrets too, then grades with the engine: student code runs
    in the worker, in the sandbox (mode 'uid' under Docker's default profile,
    'namespaces' where the container may unshare). Always writes `results`."""
    for line in prepare_container(secrets):
        print("sandbox:", line)
    os.environ[ENV_HIDE] = os.pathsep.join([*secrets, *env_paths(ENV_HIDE)])
    return grade(hw, submission, results)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw")


def run(args: argparse.Namespace) -> int:
    return main(args.hw)
