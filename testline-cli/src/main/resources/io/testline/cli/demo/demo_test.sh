#!/bin/sh
# testline demo test program: a functional test of a PCB that passes, fails, crashes or hangs as $1 says.
# It reports steps and measurements on testline's results channel ($TESTLINE_RESULTS_FILE, one JSON object a line)
# and prints to stdout and stderr like any test script; the agent captures both.
mode=${1:-pass}
results=${TESTLINE_RESULTS_FILE:-/dev/null}

step() { # name path measurement value unit low high
  printf '{"type":"step","name":"%s","path":"%s","measurements":[{"name":"%s","value":%s,"unit":"%s","low":%s,"high":%s}]}\n' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" >> "$results"
}

echo "FCT of $TESTLINE_SERIAL_NUMBER on $TESTLINE_STATION_ID (run $TESTLINE_RUN_ID), mode $mode"
echo "powering up the fixture"
step "3V3 rail" "Power/Rails/3V3" voltage 3.31 V 3.2 3.4
step "5V rail" "Power/Rails/5V" voltage 5.02 V 4.85 5.15
echo "rails ok, programming firmware"
i=1
while [ $i -le 20 ]; do
  echo "flash block $i/20 ok"
  i=$((i + 1))
done

case "$mode" in
  fail)
    step "Idle current" "Power/Current/Idle" current 0.75 A 0.1 0.5
    echo "idle current 0.75 A above the 0.50 A limit" >&2
    exit 1
    ;;
  crash)
    echo "reading the DUT's EEPROM through the vendor library" >&2
    echo "vendor library: null pointer in i2c_read()" >&2
    kill -SEGV $$
    ;;
  hang)
    echo "waiting for the DUT to answer on UART..."
    sleep 600
    ;;
esac
step "Idle current" "Power/Current/Idle" current 0.21 A 0.1 0.5
step "UART loopback" "Comms/UART" errors 0 count 0 0
echo "all steps passed"
exit 0
