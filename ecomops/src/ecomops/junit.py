"""JUnit XML for Jenkins: one test case per host and task."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from ecomops.events import TaskResult


def junit_xml(results: Iterable[TaskResult], suite: str = "ecomops deploy") -> ET.ElementTree:
    """Failed tasks are failures, unreachable hosts errors, skipped tasks skipped."""
    results = list(results)
    root = ET.Element("testsuites")
    node = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(results)),
        failures=str(sum(r.status == "failed" for r in results)),
        errors=str(sum(r.status == "unreachable" for r in results)),
        skipped=str(sum(r.status == "skipped" for r in results)),
        time=f"{sum(r.duration for r in results):.3f}",
    )
    for result in results:
        case = ET.SubElement(
            node,
            "testcase",
            classname=result.host,
            name=f"{result.play} : {result.task}" if result.play else result.task,
            time=f"{result.duration:.3f}",
        )
        if result.status == "failed":
            ET.SubElement(case, "failure", message=result.message[:500]).text = result.message
        elif result.status == "unreachable":
            ET.SubElement(case, "error", message=result.message[:500]).text = result.message
        elif result.status == "skipped":
            ET.SubElement(case, "skipped")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(results: Iterable[TaskResult], path: Path, suite: str = "ecomops deploy") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    junit_xml(results, suite).write(path, encoding="utf-8", xml_declaration=True)
