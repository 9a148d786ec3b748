#!/usr/bin/env python3
"""Prints the slowest tests of the TRX files given (or found under the folders given): `slowest-tests.py DIR [N]`."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


def seconds(duration):
    # TRX durations read hh:mm:ss.fffffff
    hours, minutes, rest = duration.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "TestResults"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    files = [target] if os.path.isfile(target) else sorted(glob.glob(os.path.join(target, "**", "*.trx"), recursive=True))
    results = []
    for trx in files:
        for result in ET.parse(trx).getroot().iter(NS + "UnitTestResult"):
            if result.get("duration"):
                results.append((seconds(result.get("duration")), result.get("outcome", "?"), result.get("testName", "?")))
    results.sort(reverse=True)
    print(f"The {min(count, len(results))} slowest of {len(results)} tests ({len(files)} TRX files in {target}):")
    for duration, outcome, name in results[:count]:
        print(f"{duration:8.1f} s  {outcome:<8} {name}")


if __name__ == "__main__":
    main()
