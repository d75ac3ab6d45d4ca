package io.testline.interop.model;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes runs into one document of a format, one run at a time, so a window of any size streams. {@link #close}
 * ends the document and flushes; it does not close the stream the writer was given.
 */
public interface RunsWriter extends Closeable {
  void write(RunRecord run) throws IOException;
}
