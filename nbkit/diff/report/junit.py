"""The JUnit XML report: one test case per change, failed when it meets `--fail-on`."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree

from nbkit.diff.change import Change, Level, display, meets
from nbkit.diff.report.summary import summarize

__all__ = ["render"]


def render(changes: Sequence[Change], *, fail_on: Level = Level.BREAKING) -> str:
    """A `<testsuites>` document CI systems read; a passing case per change below the threshold."""
    summary = summarize(changes, fail_on=fail_on)
    failures = sum(meets(change.level, fail_on) for change in changes)
    counts = {"tests": str(len(changes)), "failures": str(failures), "errors": "0"}
    root = ElementTree.Element("testsuites", {"name": "nbkit diff", **counts})
    suite = ElementTree.SubElement(
        root, "testsuite", {"name": "nbkit diff", **counts, "skipped": "0"}
    )
    for change in changes:
        name = " ".join(part for part in (change.operation, change.pointer) if part)
        case = ElementTree.SubElement(
            suite, "testcase", {"classname": change.rule_id, "name": name}
        )
        before, after = display(change.before) or "(none)", display(change.after) or "(none)"
        message = f"{change.level}: {before} -> {after}"
        if meets(change.level, fail_on):
            failure = ElementTree.SubElement(
                case, "failure", {"type": str(change.level), "message": message}
            )
            failure.text = f"{change.rule_id} ({change.direction}) at {change.pointer}"
        else:
            ElementTree.SubElement(case, "system-out").text = message
    ElementTree.SubElement(suite, "system-out").text = summary.line()
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
