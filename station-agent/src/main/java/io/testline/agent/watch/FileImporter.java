package io.testline.agent.watch;

import io.testline.schemas.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Turns one complete result file into one run's events. A file that cannot become a run throws
 * {@link IllegalArgumentException} with the reason (the file is then set aside as rejected); an {@link IOException}
 * is a problem of the station, not of the file, and the file is tried again at the next scan.
 */
interface FileImporter {
  /**
   * Reads {@code content} to its end (its end checks that the file did not change since it was hashed; an
   * {@link IOException} there means it did) and returns the run's events.
   */
  List<Payload> read(String fileName, InputStream content, Instant modified) throws IOException;
}
