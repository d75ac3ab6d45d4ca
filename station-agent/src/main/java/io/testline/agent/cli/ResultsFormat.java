package io.testline.agent.cli;

import io.testline.agent.openhtf.OpenHtfRunImport;
import io.testline.agent.results.ResultsImport;

/** {@code run --results-format}: where a wrapped program's structured results come from besides its output. */
enum ResultsFormat {
  /** Only the results channel ({@code $TESTLINE_RESULTS_FILE}). */
  JSONL,
  /** Also the OpenHTF test record the program writes into its run directory. */
  OPENHTF;

  /** What reads the run directory after the program ended; null for none. */
  ResultsImport importer() {
    return this == OPENHTF ? new OpenHtfRunImport() : null;
  }
}
