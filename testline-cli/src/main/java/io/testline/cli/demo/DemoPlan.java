package io.testline.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * What each simulated station tests: a mix of passing, failing, crashing (SIGSEGV), hanging (timeout) units and
 * units tested at the wrong route step, which the shopfloor rejects. A unit that did not pass is retested at once
 * on the same station (attempt + 1), as an operator would.
 */
public final class DemoPlan {

  /** How the demo test program behaves in one run. */
  public enum Mode {
    PASS, FAIL, CRASH, HANG,
    /** The program passes, but the run is reported at an operation that is not the unit's route step. */
    WRONG_STEP;

    /** The exit code of {@code testline-agent run --wait-verdict} for this mode (see the agent's README). */
    public int expectedExitCode() {
      return switch (this) {
        case PASS -> 0;
        case FAIL -> 1;
        case HANG -> 3;
        case CRASH -> 5;
        case WRONG_STEP -> 10;
      };
    }

    /** The argument of {@code demo_test.sh}. */
    public String programArgument() {
      return this == WRONG_STEP ? "pass" : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The route step every demo unit is at; {@link Mode#WRONG_STEP} reports {@link #WRONG_OPERATION}. */
  public static final String OPERATION = "FCT";
  public static final String WRONG_OPERATION = "ICT";

  private static final List<Mode> MIX = List.of(Mode.PASS, Mode.FAIL, Mode.PASS, Mode.CRASH, Mode.PASS, Mode.HANG,
      Mode.WRONG_STEP, Mode.PASS);

  /** One run of a station. */
  public record PlannedRun(String serialNumber, int attempt, Mode mode) {
    public String operation() {
      return mode == Mode.WRONG_STEP ? WRONG_OPERATION : OPERATION;
    }
  }

  /** One station and its runs, in order. */
  public record Station(String stationId, List<PlannedRun> runs) {}

  private DemoPlan() {}

  public static String stationId(int index) {
    return String.format("FCT-%02d", index + 1);
  }

  /** {@code stations} stations with {@code runsPerStation} runs each; every mode appears once there are 4 x 4. */
  public static List<Station> of(int stations, int runsPerStation) {
    if (stations < 1 || runsPerStation < 1) {
      throw new IllegalArgumentException("stations and runs per station must be at least 1, were " + stations
          + " and " + runsPerStation);
    }
    List<Station> plan = new ArrayList<>();
    for (int s = 0; s < stations; s++) {
      List<PlannedRun> runs = new ArrayList<>();
      int unit = 1;
      String serial = serial(s, unit);
      int attempt = 1;
      for (int r = 0; r < runsPerStation; r++) {
        Mode mode = MIX.get((s * 2 + r) % MIX.size());
        runs.add(new PlannedRun(serial, attempt, mode));
        boolean retest = mode == Mode.FAIL || mode == Mode.CRASH || mode == Mode.HANG;
        if (retest) {
          attempt++;
        } else {
          serial = serial(s, ++unit);
          attempt = 1;
        }
      }
      plan.add(new Station(stationId(s), List.copyOf(runs)));
    }
    return List.copyOf(plan);
  }

  private static String serial(int station, int unit) {
    return String.format("PCB%02d%04d", station + 1, unit);
  }
}
