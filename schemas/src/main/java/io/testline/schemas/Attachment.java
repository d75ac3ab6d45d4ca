package io.testline.schemas;

import java.util.Objects;

/** A file a step produced (a scope capture, an image), referenced by path on the station. */
public record Attachment(String name, String path, String mediaType, Long sizeBytes, String sha256) {
  public Attachment {
    Objects.requireNonNull(name, "name");
  }
}
