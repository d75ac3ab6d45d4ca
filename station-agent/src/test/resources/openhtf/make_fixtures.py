"""Writes the OpenHTF test records the agent's tests read, shaped as OpenHTF's json_factory.OutputToJSON writes them.

The structure follows openhtf/core/test_record.py (TestRecord.as_base_types, PhaseRecord.as_base_types),
openhtf/core/measurements.py (Measurement.as_base_types), openhtf/util/validators.py (str() of each validator),
openhtf/util/logs.py (LogRecord) and openhtf/output/callbacks/json_factory.py (inline base64 attachments).
Run: python3 make_fixtures.py
"""
import base64
import hashlib
import json

T0 = 1767261600000  # 2026-01-01T10:00:00Z


def code_info(name, doc=None, source=""):
    return {"name": name, "docstring": doc, "sourcecode": source}


def options(name):
    return {"name": name, "timeout_s": None, "run_if": None, "requires_state": False, "force_repeat": False,
            "repeat_on_measurement_fail": False, "repeat_on_timeout": False, "repeat_limit": None,
            "stop_on_measurement_fail": False}


def attachment(data, mimetype):
    return {"mimetype": mimetype, "sha1": hashlib.sha1(data).hexdigest(),
            "data": base64.standard_b64encode(data).decode("utf-8")}


VOLT = {"name": "volt", "code": "VLT", "suffix": "V"}
AMP = {"name": "ampere", "code": "AMP", "suffix": "A"}
HERTZ = {"name": "hertz", "code": "HTZ", "suffix": "Hz"}


def phase(i, name, start, end, outcome, result, measurements=None, attachments=None, subtest=None, marginal=False):
    return {"measurements": measurements or {}, "options": options(name), "diagnosers": [],
            "subtest_name": subtest, "start_time_millis": T0 + start, "end_time_millis": T0 + end,
            "attachments": attachments or {}, "diagnosis_results": [], "failure_diagnosis_results": [],
            "result": result, "outcome": outcome, "marginal": marginal,
            "descriptor_id": 140230000000000 + i, "name": name,
            "codeinfo": code_info(name, None, "def %s(test):\n    ...\n" % name)}


def log(level, logger, source, lineno, at, message):
    return {"level": level, "logger_name": logger, "source": source, "lineno": lineno,
            "timestamp_millis": T0 + at, "message": message}


CONTINUE = {"phase_result": "CONTINUE"}


def record(dut, outcome, phases, logs, details=None, end=9000):
    return {"dut_id": dut, "start_time_millis": T0, "end_time_millis": T0 + end, "outcome": outcome,
            "outcome_details": details or [], "marginal": False,
            "metadata": {"test_name": "fct_main_board", "test_description": "Funktionstest Hauptplatine",
                         "test_version": "4.2.0", "part_number": "PCB-7781", "operator_name": "Jürgen Weiß",
                         "config": {"station_serial": "FCT-03"}},
            "phases": phases, "subtests": [], "branches": [], "diagnosers": [], "diagnoses": [],
            "log_records": logs, "station_id": "fct-03.plant.local",
            "code_info": code_info("fct_main_board", "FCT of the main board.",
                                   "import openhtf as htf\n\n# the test's source\n")}


def passing():
    scope = "t_s,v\n0.000,0.00\n0.001,3.29\n0.002,3.31\n".encode()
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    return record("SN-HTF-0001", "PASS", [
        phase(0, "power_up", 0, 800, "PASS", CONTINUE, {
            "rail_3v3": {"name": "rail_3v3", "outcome": "PASS", "validators": ["3.2 <= x <= 3.4"],
                         "units": VOLT, "docstring": "3V3 rail after power-up", "measured_value": 3.31},
            "rail_5v": {"name": "rail_5v", "outcome": "PASS",
                        "validators": ["4.75 <= Marginal:4.8 <= x <= Marginal:5.2 <= 5.25"],
                        "units": VOLT, "measured_value": 5.22},
            "idle_current": {"name": "idle_current", "outcome": "PASS", "validators": ["x <= 0.5"],
                             "units": AMP, "measured_value": 0.41},
        }, {"scope_3v3.csv": attachment(scope, "text/csv"), "board.png": attachment(png, "image/png")}),
        phase(1, "clock", 800, 1500, "PASS", CONTINUE, {
            "frequency": {"name": "frequency", "outcome": "PASS",
                          "validators": ["'x' is within 0.5% of 25000000."], "units": HERTZ,
                          "measured_value": 25001200.0},
            "pll_locked": {"name": "pll_locked", "outcome": "PASS", "validators": ["x == 1"],
                           "measured_value": 1},
        }),
        phase(2, "firmware_version", 1500, 1700, "PASS", CONTINUE, {
            "version": {"name": "version", "outcome": "PASS", "validators": ["'x' matches /^1\\.4\\.\\d+$/"],
                        "measured_value": "1.4.2"},
            "bootloader": {"name": "bootloader", "outcome": "PASS", "measured_value": "Überprüft ✓ µC-Bootloader"},
        }),
        phase(3, "rf_calibration", 1700, 1701, "SKIP", {"phase_result": "SKIP"}),
        phase(4, "temperature_sweep", 1701, 8000, "PASS", CONTINUE, {
            "sweep": {"name": "sweep", "outcome": "PASS", "dimensions": [{"name": "degree Celsius",
                                                                          "code": "CEL", "suffix": "°C"}],
                      "units": VOLT, "validators": ["All values pass: 3.2 <= x <= 3.4"],
                      "measured_value": [[-20, 3.28], [25, 3.31], [85, 3.33]]},
        }, subtest="thermal"),
    ], [
        log(20, "openhtf.test_record.fct_main_board", "fct.py", 41, 10, "Prüfling SN-HTF-0001 eingelegt"),
        log(10, "openhtf.test_record.fct_main_board.phase.power_up", "fct.py", 58, 120, "rail 3V3: 3.31 V"),
        log(30, "openhtf.test_record.fct_main_board.phase.rf_calibration", "fct.py", 90, 1700,
            "RF calibration skipped: no RF module fitted"),
        log(20, "openhtf.test_record.fct_main_board", "fct.py", 120, 8990, "done"),
    ])


def failing():
    tb = ("Traceback (most recent call last):\n"
          "  File \"fct.py\", line 77, in program_eeprom\n"
          "    eeprom.write(image)\n"
          "IOError: EEPROM did not acknowledge at 0x50\n")
    return record("SN-HTF-0002", "FAIL", [
        phase(0, "power_up", 0, 800, "FAIL", CONTINUE, {
            "rail_3v3": {"name": "rail_3v3", "outcome": "FAIL", "validators": ["3.2 <= x <= 3.4"],
                         "units": VOLT, "measured_value": 3.52},
            "idle_current": {"name": "idle_current", "outcome": "PASS", "validators": ["x <= 0.5"],
                             "units": AMP, "measured_value": 0.44},
        }),
        phase(1, "program_eeprom", 800, 1200, "ERROR",
              {"phase_result": {"exc_type": "<class 'OSError'>", "exc_val": "EEPROM did not acknowledge at 0x50",
                                "exc_tb": tb}}),
        phase(2, "leak_current", 1200, 1300, "PASS", CONTINUE, {
            "leak": {"name": "leak", "outcome": "UNSET", "validators": ["x <= 1e-06"], "units": AMP},
        }),
    ], [
        log(40, "openhtf.test_record.fct_main_board.phase.program_eeprom", "fct.py", 77, 1190,
            "EEPROM write failed\n" + tb.rstrip("\n")),
    ], details=[{"code": "RAIL_3V3_HIGH", "description": "3V3 rail above its limit"}], end=1400)


def write(name, rec, **kw):
    with open(name, "w", encoding="utf-8") as f:
        f.write(json.dumps(rec, **kw))


write("fct_pass.json", passing(), indent=4, ensure_ascii=False)  # OutputToJSON(..., indent=4, ensure_ascii=False)
write("fct_fail.json", failing())
