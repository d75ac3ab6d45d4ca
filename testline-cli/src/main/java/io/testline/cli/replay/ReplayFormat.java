package io.testline.cli.replay;

/** The replay export's file formats. */
public enum ReplayFormat {
  /** One JSON object a line: provenance, key and the event itself. */
  JSONL,
  /** One row a record: provenance and the envelope's main fields. */
  CSV;

  /** The writer of one record's line in this format. */
  RowWriter newWriter() {
    return this == JSONL ? new JsonlRowWriter() : new CsvRowWriter();
  }
}
