package io.testline.schemas;

import java.util.Objects;

/**
 * The whole captured log of a run.
 *
 * @param sha256 hex SHA-256 of the merged log text, so a stored log can be proven complete
 */
public record LogSummary(long lines, long bytes, long chunks, String sha256) {
  public LogSummary {
    Objects.requireNonNull(sha256, "sha256");
  }
}
