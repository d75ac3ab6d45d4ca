package io.testline.agent.results;

/**
 * The structured-results channel: how a test program in any language reports steps and measurements without a
 * library. The agent passes the path of a JSON-lines file in {@link #ENV_RESULTS_FILE}; the program appends one JSON
 * object per line and the agent reads each line as soon as it ends with a newline. The full contract is in the
 * module's README ("Structured results").
 */
public final class ResultsChannel {
  /** Path of the JSON-lines file the program appends results to. */
  public static final String ENV_RESULTS_FILE = "TESTLINE_RESULTS_FILE";
  /** The run's directory: a good place for attachments. */
  public static final String ENV_RUN_DIR = "TESTLINE_RUN_DIR";
  public static final String ENV_RUN_ID = "TESTLINE_RUN_ID";
  public static final String ENV_SERIAL_NUMBER = "TESTLINE_SERIAL_NUMBER";
  public static final String ENV_STATION_ID = "TESTLINE_STATION_ID";
  /** The file's name inside the run directory. */
  public static final String FILE_NAME = "results.jsonl";

  private ResultsChannel() {}
}
