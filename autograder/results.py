"""The one writer of results: Gradescope's results.json schema.

Nothing else in the code knows this format; every results file is validated
against RESULTS_SCHEMA before it is written.
"""
import json
from pathlib import Path

import jsonschema

RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": ["visible", "hidden", "after_due_date", "after_published"]},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "status", "output", "visibility"],
            "properties": {
                "name": {"type": "string"},
                "score": {"type": "number", "minimum": 0},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "output": {"type": "string"},
                "visibility": {"enum": ["visible", "hidden", "after_due_date",
                                        "after_published"]},
            },
        }},
    },
}


def as_results(report) -> dict:
    tests = [{
        "name": case.title,
        "score": case.score,
        "max_score": case.points,
        "status": "passed" if case.passed else "failed",
        "output": "\n".join(filter(None, [case.description, case.message, case.note])),
        "visibility": "after_published" if case.hidden else "visible",
    } for case in report.cases]
    summary = "\n".join(report.problems) or "Graded."
    return {"score": round(report.score, 4), "execution_time": round(report.seconds, 2),
            "output": summary, "visibility": "visible", "tests": tests,
            "extra_data": {"status": getattr(report, "status", "ok"),
                           "limits": getattr(report, "limits", {}),
                           "sandbox": getattr(report, "sandbox", []),
                           "uids": getattr(report, "sandbox_uids", [])}}


def _dump(data: dict, path: Path) -> dict:
    jsonschema.validate(data, RESULTS_SCHEMA)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return data


def write(report, path: Path) -> dict:
    return _dump(as_results(report), path)


def write_failure(path: Path, message: str, status: str = "grader error") -> dict:
    """A results file for a submission the grader could not grade at all."""
    return _dump({"score": 0.0, "execution_time": 0.0, "output": message,
                  "visibility": "visible", "tests": [], "extra_data": {"status": status}}, path)
