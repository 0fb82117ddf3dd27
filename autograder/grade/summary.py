"""The end-of-batch summary: students graded, mean score, exercises most often failed, submissions to look at."""
from collections import Counter


def summarise(records: list, reused: int, notes: list) -> str:
    if not records:
        return "No student folders were found: nothing was graded."
    totals = [sum(r["score"] for r in rec["results"]) for rec in records]
    maximum = max(sum(r["max_score"] for r in rec["results"]) for rec in records)
    failed = Counter(r["exercise"] for rec in records for r in rec["results"] if r["status"] != "passed")
    lines = [f"Graded {len(records)} students ({reused} unchanged since the last run, not regraded); "
             f"mean score {sum(totals) / len(totals):.2f} / {maximum:g}."]
    if failed:
        lines.append("Exercises most often not passed: " +
                     ", ".join(f"{exercise} ({count}/{len(records)})" for exercise, count in failed.most_common(5)) + ".")
    attention = [rec for rec in records if rec["attention"]]
    if attention:
        lines.append(f"{len(attention)} submissions need attention:")
        lines.extend(f"  {rec['student']}: {rec['attention']}" for rec in attention)
    if notes:
        lines.append("Skipped while reading the submissions:")
        lines.extend(f"  {note}" for note in notes)
    return "\n".join(lines)
