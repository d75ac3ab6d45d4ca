#!/usr/bin/env python3
"""A test program that reports to testline through the structured-results channel.

No library needed: append one JSON object per line to the file named in $TESTLINE_RESULTS_FILE, and flush it.
Run it under the agent:  testline-agent run --serial SN123 -- python3 example_test.py
Without the agent the results go to ./results.jsonl.
"""
import json
import os
import sys
import time
from datetime import datetime, timezone

RESULTS = os.environ.get("TESTLINE_RESULTS_FILE", "results.jsonl")


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def report(record):
    # one line per record, flushed at once, so the agent sees it live and keeps it if this program crashes
    with open(RESULTS, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()


def step(name, path, measurements=(), outcome=None, error_code=None, error_message=None, attachments=()):
    started = now()
    record = {"type": "step", "name": name, "path": path, "startedAt": started, "endedAt": now(),
              "measurements": list(measurements), "attachments": list(attachments)}
    if outcome:
        record["outcome"] = outcome  # left out: the agent judges it from the measurements' limits
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message
    report(record)


def main():
    fail = "--fail" in sys.argv
    print("powering up the unit", flush=True)
    step("3V3 rail", "Power/Rails/3V3",
         [{"name": "voltage", "value": 3.31, "unit": "V", "low": 3.2, "high": 3.4}])
    print("measuring current", flush=True)
    current = 0.75 if fail else 0.42
    step("Idle current", "Power/Current",
         [{"name": "current", "value": current, "unit": "A", "high": 0.5, "comparator": "LE"}])
    run_dir = os.environ.get("TESTLINE_RUN_DIR", ".")
    capture = os.path.join(run_dir, "scope.csv")
    with open(capture, "w") as f:
        f.write("t,v\n0,0\n1,3.3\n")
    step("Scope capture", "Signals/Clock", outcome="PASS",
         attachments=[{"name": "clock scope capture", "path": capture, "mediaType": "text/csv"}])
    print("firmware version check", flush=True)
    step("Firmware version", "Identity/Firmware",
         [{"name": "version", "value": "2.4.1", "comparator": "LOG", "outcome": "UNSET"}], outcome="DONE")
    if fail:
        report({"type": "run", "outcome": "FAIL", "errorCode": "IDLE_CURRENT_HIGH",
                "errorMessage": "idle current %.2f A above 0.50 A" % current})
        print("FAIL: idle current too high", file=sys.stderr, flush=True)
        return 1
    print("all steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
