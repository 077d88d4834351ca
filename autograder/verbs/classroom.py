"""GitHub Classroom: turn a results.json into what Classroom's grading reporter reads.

    python -m autograder.verbs.classroom results.json   # prints the payload, base64-encoded

The reporter (classroom-resources/autograding-grading-reporter) reads
$<RUNNER>_RESULTS: base64 of {"version": 1, "status", "max_score", "tests": [...]},
adds up each test's "score" against "max_score", and shows "Points x/y" on the
"Autograding Tests" check. The workflow is .github/workflows/classroom.yml.
"""

import base64
import json
import sys
from pathlib import Path


def payload(results: dict) -> dict:
    """Visible tests one by one; hidden ones as a single line with their total, so
    the Actions log (which the student reads) names none of them."""
    shown = [t for t in results.get("tests", []) if t.get("visibility") == "visible"]
    hidden = [t for t in results.get("tests", []) if t.get("visibility") != "visible"]
    tests = [
        {
            "name": t["name"],
            "status": "pass" if t["status"] == "passed" else "fail",
            "score": t["score"],
            "message": t.get("output", ""),
            "line_no": 0,
            "execution_time": "0",
        }
        for t in shown
    ]
    if hidden:
        passed = all(t["status"] == "passed" for t in hidden)
        tests.append(
            {
                "name": f"hidden tests ({len(hidden)})",
                "status": "pass" if passed else "fail",
                "score": sum(t["score"] for t in hidden),
                "message": "" if passed else "Some hidden tests failed.",
                "line_no": 0,
                "execution_time": "0",
            }
        )
    max_score = sum(t["max_score"] for t in results.get("tests", []))
    if not tests:  # nothing could be graded: one failing line carries the reason
        tests = [
            {
                "name": "grading",
                "status": "error",
                "score": 0,
                "message": results.get("output", ""),
                "line_no": 0,
                "execution_time": "0",
            }
        ]
    status = "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def encode(results: dict) -> str:
    return base64.b64encode(json.dumps(payload(results)).encode()).decode()


if __name__ == "__main__":
    print(encode(json.loads(Path(sys.argv[1]).read_text())))
