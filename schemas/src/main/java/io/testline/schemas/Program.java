package io.testline.schemas;

import java.util.Objects;

/** The test program that ran; {@code hash} (e.g. {@code sha256:...}) ties results to the exact code. */
public record Program(String name, String version, String hash) {
  public Program {
    Objects.requireNonNull(name, "name");
  }
}
