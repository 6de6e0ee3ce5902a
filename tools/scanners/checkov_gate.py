"""Judges checkov's JSON reports: no failed check, every skip with a reason, skips equal to the baseline."""

import json
import sys

MIN_REASON = 40


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    # checkov writes a list when several frameworks ran; one framework here.
    return report[0] if isinstance(report, list) else report


def main(baseline_path: str, update: str, *stages: str) -> int:
    problems: list[str] = []
    skips: dict[str, list[str]] = {}
    for stage_arg in stages:
        stage, path = stage_arg.split("=", 1)
        report = load(path)
        summary = report["summary"]
        print(
            f"[scan] checkov {stage}: {summary['passed']} passed, {summary['failed']} failed, "
            f"{summary['skipped']} skipped, {summary['parsing_errors']} parsing errors"
        )
        for failed in report["results"]["failed_checks"]:
            problems.append(f"{stage}: {failed['check_id']} failed on {failed['resource']} ({failed['check_name']})")
        if summary["parsing_errors"]:
            problems.append(f"{stage}: {summary['parsing_errors']} parsing errors")
        entries = []
        for skipped in report["results"]["skipped_checks"]:
            reason = (skipped.get("check_result") or {}).get("suppress_comment") or ""
            if len(reason.strip()) < MIN_REASON:
                problems.append(
                    f"{stage}: skip {skipped['check_id']} on {skipped['resource']} has a reason under "
                    f"{MIN_REASON} characters"
                )
            entries.append(f"{skipped['check_id']} {skipped['resource']}")
        skips[stage] = sorted(entries)

    if update == "1":
        with open(baseline_path, "w", encoding="utf-8") as handle:
            json.dump(skips, handle, indent=2)
            handle.write("\n")
        print(f"[scan] wrote {baseline_path}")
    else:
        with open(baseline_path, encoding="utf-8") as handle:
            baseline = json.load(handle)
        for stage, entries in skips.items():
            expected = set(baseline.get(stage, []))
            for added in sorted(set(entries) - expected):
                problems.append(f"{stage}: new checkov skip not in the baseline: {added}")
            for gone in sorted(expected - set(entries)):
                problems.append(f"{stage}: baseline skip no longer present (update the baseline): {gone}")

    for problem in problems:
        print(f"[scan] {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
