"""Item analysis of a graded class: which test cases the class struggled with.

From every student's results.json (Gradescope's format, as results.py writes it):
  - per test case: pass rate, mean score, the point-biserial correlation of
    passing it with the student's total (how well it separates strong from
    weak submissions), and its most frequent failure messages, grouped by
    their wording with numbers left out;
  - per question (test file): mean points and pass rate of its cases;
  - flags: a case that every submission passes or every one fails tells the
    instructor nothing about the class (or is broken).
"""

import html
import math
import re
import statistics
from collections import Counter
from pathlib import Path

TOP_MESSAGES = 3  # failure messages shown per test case
MESSAGE_CHARS = 160  # of each grouped message
NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?", re.IGNORECASE)


def message_group(output: str) -> str:
    """The wording of a failure without its numbers: 'x is 0.52 but should be 0.9'
    and 'x is 0.61 but should be 0.9' are the same mistake."""
    first = next((line.strip() for line in output.splitlines() if line.strip()), "")
    first = NUMBER.sub("#", first)
    return first[:MESSAGE_CHARS] + ("..." if len(first) > MESSAGE_CHARS else "")


def point_biserial(passed: list[bool], totals: list[float]) -> float | None:
    """Correlation of a 0/1 item with the totals; None where it is undefined (every
    submission on the same side, or every total equal)."""
    p = sum(passed) / len(passed) if passed else 0.0
    spread = statistics.pstdev(totals) if len(totals) > 1 else 0.0
    if p in (0.0, 1.0) or spread == 0:
        return None
    mean_pass = statistics.fmean(t for t, ok in zip(totals, passed) if ok)
    mean_fail = statistics.fmean(t for t, ok in zip(totals, passed) if not ok)
    return (mean_pass - mean_fail) / spread * math.sqrt(p * (1 - p))


def analyse(results: dict[str, dict]) -> dict:
    """results: student id -> that student's results.json (parsed)."""
    students = [s for s, r in results.items() if r.get("tests")]
    totals = [float(results[s].get("score", 0.0)) for s in students]
    cases: dict[str, dict] = {}
    for student in students:
        for test in results[student]["tests"]:
            case = cases.setdefault(
                test["name"], {"max_score": test["max_score"], "scores": {}, "outputs": {}}
            )
            case["scores"][student] = float(test["score"])
            case["outputs"][student] = test.get("output", "")
    items = []
    for name, case in cases.items():
        scores = [case["scores"].get(s, 0.0) for s in students]  # not run: 0 points
        passed = [score >= case["max_score"] for score in scores]
        failures = Counter(
            message_group(case["outputs"].get(s, "")) or "(no message)"
            for s, ok in zip(students, passed)
            if not ok
        )
        rate = sum(passed) / len(passed) if passed else 0.0
        r = point_biserial(passed, totals)
        items.append(
            {
                "case": name,
                "question": name.split(":", 1)[0],
                "max_score": case["max_score"],
                "pass_rate": round(rate, 3),
                "mean_score": round(statistics.fmean(scores), 3),
                "point_biserial": None if r is None else round(r, 3),
                "failures": failures.most_common(TOP_MESSAGES),
                "flag": (
                    "every submission passes"
                    if rate == 1.0
                    else "every submission fails"
                    if rate == 0.0
                    else ""
                ),
            }
        )
    questions: dict[str, dict] = {}
    for item in items:
        q = questions.setdefault(item["question"], {"points": 0.0, "mean": 0.0, "passes": []})
        q["points"] += item["max_score"]
        q["mean"] += item["mean_score"]
        q["passes"].append(item["pass_rate"])
    return {
        "submissions": len(students),
        "cases": items,
        "questions": {
            name: {
                "points": q["points"],
                "mean_points": round(q["mean"], 3),
                "pass_rate": round(statistics.fmean(q["passes"]), 3),
            }
            for name, q in sorted(questions.items())
        },
    }


def write_chart(analysis: dict, path: Path) -> None:
    """Per-question pass rates (mean over the question's cases), as a bar chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(analysis["questions"])
    rates = [analysis["questions"][q]["pass_rate"] for q in names]
    fig, ax = plt.subplots(figsize=(6, 0.4 * len(names) + 1.2), dpi=100)
    ax.barh(names[::-1], rates[::-1], color="#6a9f58")
    ax.set_xlim(0, 1)
    ax.set_xlabel("pass rate (mean over the question's test cases)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def html_section(analysis: dict, chart: str = "questions.png") -> str:
    """The report's item-analysis part: the chart and one row a test case."""
    e = html.escape
    rows = []
    for item in sorted(analysis["cases"], key=lambda i: i["pass_rate"]):
        messages = "<br>".join(f"{count}&times; {e(text)}" for text, count in item["failures"])
        r = "&ndash;" if item["point_biserial"] is None else f"{item['point_biserial']:.2f}"
        flag = f"<b>{e(item['flag'])}</b>" if item["flag"] else ""
        rows.append(
            f"<tr><td>{e(item['case'])}</td><td>{item['pass_rate']:.0%}</td>"
            f"<td>{item['mean_score']:g} / {item['max_score']:g}</td><td>{r}</td>"
            f"<td>{flag}</td><td style='text-align:left'>{messages}</td></tr>"
        )
    return (
        f"<h2>Item analysis ({analysis['submissions']} submissions)</h2>"
        f"<img src='{e(chart)}' alt='pass rate per question'>"
        "<p>Point-biserial r: correlation of passing the case with the total score "
        "(near 0 or negative: the case does not separate strong from weak work).</p>"
        "<table><tr><th>test case</th><th>pass rate</th><th>mean</th><th>r</th>"
        "<th>flag</th><th>most frequent failures</th></tr>" + "\n".join(rows) + "</table>"
    )
