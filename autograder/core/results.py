"""The one writer of results: Gradescope's results.json schema.

Nothing else in the code knows this format; every results file is validated
against RESULTS_SCHEMA before it is written. Every string in it is cleaned
(plain.clean_text: printable, valid UTF-8) and capped, and the whole file is
kept under plain.MAX_RESULTS_BYTES, the student's own printing cut first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema

if TYPE_CHECKING:
    from .engine import Report
from .plain import (
    FENCE_TOP,
    MAX_CASE_MESSAGE,
    MAX_PROBLEM,
    MAX_RESULTS_BYTES,
    clean_text,
    fenced,
    hanging,
)

RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": ["visible", "hidden", "after_due_date", "after_published"]},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output", "visibility"],
                "properties": {
                    "name": {"type": "string"},
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "output": {"type": "string"},
                    "visibility": {
                        "enum": ["visible", "hidden", "after_due_date", "after_published"]
                    },
                },
            },
        },
    },
}


def as_results(report: Report) -> dict:
    tests = [
        {
            "name": clean_text(case.title, 200),
            "score": case.score,
            "max_score": case.points,
            "status": "passed" if case.passed else "failed",
            "output": clean_text(
                "\n".join(
                    filter(
                        None,
                        [  # the student's words never start a line
                            case.description,
                            hanging(case.message, "  "),
                            hanging(case.note, "  "),
                        ],
                    )
                ),
                MAX_CASE_MESSAGE,
            ),
            "visibility": "after_published" if case.hidden else "visible",
        }
        for case in report.cases
    ]
    summary = (
        "\n".join(hanging(clean_text(p, MAX_PROBLEM), "  ") for p in report.problems) or "Graded."
    )
    printed = fenced(getattr(report, "student_output", ""))
    return {
        "score": round(report.score, 4),
        "execution_time": round(report.seconds, 2),
        "output": summary + ("\n\n" + printed if printed else ""),
        "visibility": "visible",
        "tests": tests,
        "extra_data": {
            "status": getattr(report, "status", "ok"),
            "limits": getattr(report, "limits", {}),
            "sandbox": getattr(report, "sandbox", []),
            "uids": getattr(report, "sandbox_uids", []),
            "review": getattr(report, "review", []),
        },
    }


def _size(data: dict) -> int:
    return len(json.dumps(data, indent=2)) + 1  # ASCII: characters are bytes


def fit(data: dict, limit: int = MAX_RESULTS_BYTES) -> dict:
    """The same results within `limit` bytes: first without the student's printing,
    then with each test's feedback shortened, then with a shortened summary."""
    if _size(data) <= limit:
        return data
    data = {**data, "output": data["output"].split("\n\n" + FENCE_TOP)[0]}
    for keep in (500, 100, 0):
        if _size(data) <= limit:
            return data
        data["tests"] = [
            {**t, "output": clean_text(t["output"], keep) if keep else ""} for t in data["tests"]
        ]
    data["output"] = clean_text(data["output"], 2000)
    for t in data["tests"]:  # names are ours but bounded: only a grader fault gets here
        if _size(data) <= limit:
            break
        t["name"] = t["name"][:40]
    return data


def _dump(data: dict, path: Path) -> dict:
    data = fit(data)
    jsonschema.validate(data, RESULTS_SCHEMA)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # ensure_ascii (the default): the file is ASCII, so valid UTF-8 whatever was printed.
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return data


def write(report: Report, path: Path) -> dict:
    return _dump(as_results(report), path)


def write_failure(path: Path, message: str, status: str = "grader error") -> dict:
    """A results file for a submission the grader could not grade at all."""
    return _dump(
        {
            "score": 0.0,
            "execution_time": 0.0,
            "output": clean_text(message, MAX_PROBLEM),
            "visibility": "visible",
            "tests": [],
            "extra_data": {"status": status},
        },
        path,
    )
