package io.testline.agent.watch;

/** How {@code testline-agent watch} reads the files of its folder. */
public enum WatchFormat {
  /** testline's own JSON fields; CSV and key=value files through {@code watch.mapping}. */
  TESTLINE,
  /** OpenHTF JSON test records, as OpenHTF's {@code json_factory} output callback writes them. */
  OPENHTF,
  /** ATML test results (IEEE 1636.1 TestResults), as TestStand's ATML report writes them. */
  ATML
}
