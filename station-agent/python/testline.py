"""testline results for Python test scripts: one file, standard library only, Python 3.8+.

Writes the testline agent's results channel (the JSON-lines file named in $TESTLINE_RESULTS_FILE, see the
station-agent README, "Structured results"), so a script reports steps and measurements without knowing the format:

    from testline import Results

    r = Results()
    with r.step("3V3 rail", path="Power/Rails/3V3") as s:
        s.measure("voltage", 3.31, unit="V", low=3.2, high=3.4)
        s.attach("scope.csv", media_type="text/csv")
    r.finish("FAIL", error_code="IDLE_CURRENT_HIGH", message="idle current 0.75 A")  # optional verdict

A step is written when its block ends. An exception inside the block marks the step failed (AssertionError) or
errored (any other exception, its type as the error code) and propagates, so the script still ends as it would
without testline. Each line is flushed at once; the agent reads it within ~50 ms. Outside the agent (no
$TESTLINE_RESULTS_FILE) the lines go to standard error, so a script runs unchanged at a desk.
"""

import datetime
import json
import math
import os
import sys

__all__ = ["Results", "Step"]

RESULTS_FILE_ENV = "TESTLINE_RESULTS_FILE"
RUN_DIR_ENV = "TESTLINE_RUN_DIR"

_VERDICTS = ("PASS", "FAIL", "ERROR")
_COMPARATORS = ("EQ", "NE", "GT", "GE", "LT", "LE", "GTLT", "GELE", "GELT", "GTLE", "LOG")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("%s: expected a number, got %r" % (name, value))
    if math.isnan(value) or math.isinf(value):
        raise ValueError("%s: %r cannot be written as JSON" % (name, value))
    return value


def _judge(value, low, high, comparator, nominal):
    """The agent's rule (MeasurementJudge): True pass, False fail, None not judged."""
    if value is None or comparator == "LOG":
        return None
    target = nominal if nominal is not None else low
    checks = {
        "EQ": (target,), "NE": (target,), "GT": (low,), "GE": (low,), "LT": (high,), "LE": (high,),
        "GTLT": (low, high), "GELE": (low, high), "GELT": (low, high), "GTLE": (low, high),
    }
    if any(v is None for v in checks[comparator]):
        return None
    return {
        "EQ": lambda: value == target, "NE": lambda: value != target,
        "GT": lambda: value > low, "GE": lambda: value >= low, "LT": lambda: value < high,
        "LE": lambda: value <= high, "GTLT": lambda: low < value < high, "GELE": lambda: low <= value <= high,
        "GELT": lambda: low <= value < high, "GTLE": lambda: low < value <= high,
    }[comparator]()


class Step(object):
    """One step in progress; made by Results.step(), written when its with-block ends."""

    def __init__(self, results, name, path):
        self._results = results
        self.name = name
        self.path = path
        self.started_at = _now()
        self.measurements = []
        self.attachments = []
        self.outcome = None
        self.error_code = None
        self.error_message = None

    def measure(self, name, value, unit=None, low=None, high=None, nominal=None, comparator=None):
        """Records a measurement; returns True (within limits), False (outside) or None (no limits to judge).

        A number is judged against the limits by the agent's rule (both limits: low <= value <= high); a string
        (a firmware version, a reading) is kept as text.
        """
        low, high, nominal = _number("low", low), _number("high", high), _number("nominal", nominal)
        entry = {"name": str(name)}
        if isinstance(value, str):
            entry["value"] = value
            numeric = None
        else:
            numeric = _number(name, value)
            entry["value"] = numeric
        if comparator is None:
            comparator = "GELE" if low is not None and high is not None else "GE" if low is not None \
                else "LE" if high is not None else "LOG"
        comparator = comparator.upper()
        if comparator not in _COMPARATORS:
            raise ValueError("comparator: %r is not one of %s" % (comparator, ", ".join(_COMPARATORS)))
        for key, v in (("unit", unit), ("low", low), ("high", high), ("nominal", nominal)):
            if v is not None:
                entry[key] = v
        entry["comparator"] = comparator
        self.measurements.append(entry)
        return _judge(numeric, low, high, comparator, nominal)

    def attach(self, path, name=None, media_type=None):
        """Attaches a file: relative paths are taken from the run directory (a good place to write it)."""
        entry = {"path": str(path)}
        if name is not None:
            entry["name"] = name
        if media_type is not None:
            entry["mediaType"] = media_type
        self.attachments.append(entry)

    def fail(self, error_code=None, message=None):
        """Marks the step FAIL without raising."""
        self.outcome, self.error_code, self.error_message = "FAIL", error_code, message

    def skip(self, message=None):
        """Marks the step SKIPPED."""
        self.outcome, self.error_message = "SKIPPED", message

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.outcome = "FAIL" if issubclass(exc_type, AssertionError) else "ERROR"
            self.error_code = self.error_code or exc_type.__name__
            self.error_message = str(exc) or exc_type.__name__
        line = {"type": "step", "name": self.name, "startedAt": self.started_at, "endedAt": _now()}
        if self.path is not None:
            line["path"] = self.path
        if self.outcome is not None:
            line["outcome"] = self.outcome
        if self.error_code is not None:
            line["errorCode"] = str(self.error_code)[:64]
        if self.error_message is not None:
            line["errorMessage"] = self.error_message
        if self.measurements:
            line["measurements"] = self.measurements
        if self.attachments:
            line["attachments"] = self.attachments
        self._results._write(line)
        return False  # the exception, if any, goes on


class Results(object):
    """The results channel of one run. ``path`` defaults to $TESTLINE_RESULTS_FILE."""

    def __init__(self, path=None):
        self.path = path if path is not None else os.environ.get(RESULTS_FILE_ENV)
        self.run_dir = os.environ.get(RUN_DIR_ENV, ".")

    def step(self, name, path=None):
        """A step as a with-block: ``with results.step("3V3 rail") as s: s.measure(...)``."""
        if not name:
            raise ValueError("name: a step needs a name")
        return Step(self, str(name), path)

    def finish(self, outcome, error_code=None, message=None):
        """The script's own verdict on the run (PASS, FAIL or ERROR); without it the agent decides from the steps."""
        outcome = outcome.upper()
        if outcome not in _VERDICTS:
            raise ValueError("outcome: %r is not one of %s" % (outcome, ", ".join(_VERDICTS)))
        line = {"type": "run", "outcome": outcome}
        if error_code is not None:
            line["errorCode"] = str(error_code)[:64]
        if message is not None:
            line["errorMessage"] = message
        self._write(line)

    def _write(self, line):
        text = json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n"
        if self.path is None:
            sys.stderr.write("testline: " + text)
            sys.stderr.flush()
            return
        # one write per line, flushed: the agent reads a line once it ends with its newline
        with open(self.path, "a", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
