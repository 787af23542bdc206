#!/usr/bin/env python3
"""Counts the tests in a Swift Testing console transcript (the test binary's output in the guest).

Prints `PASSED FAILED SKIPPED` on the first line, then the names of failed tests, one a line.
Per-test result lines look like `✔ Test name() passed after 0.1 seconds.` and
`✘ Test name() failed after 0.1 seconds with 1 issue.`; suite lines and the final `Test run with …`
line are not counted. Python rather than grep -P because PCRE's \\S did not match `✔` here.
"""
import re
import sys

RESULT = re.compile(r"^\S+ Test (?!run with )(.+?) (passed|failed) after |^\S+ Test (?!run with )(.+?) (skipped)")

passed, failed, skipped = 0, [], 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as transcript:
    for line in transcript:
        m = RESULT.match(line)
        if not m:
            continue
        if m.group(2) == "passed":
            passed += 1
        elif m.group(2) == "failed":
            failed.append(m.group(1))  # not "recorded an issue at …: Expectation failed" lines
        else:
            skipped += 1
print(passed, len(failed), skipped)
for name in failed:
    print(name)
