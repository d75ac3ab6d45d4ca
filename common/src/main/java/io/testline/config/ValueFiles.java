package io.testline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A config value kept in a file of its own (a secret: Docker/compose secrets, systemd credentials). */
final class ValueFiles {
  /** A value read from a file is a secret or a setting, never a document: larger files are refused. */
  static final int MAX_BYTES = 64 * 1024;

  private ValueFiles() {}

  /**
   * The value in {@code fileName}, which {@code variable} (an environment variable or an option) names for
   * {@code key}: at most {@link #MAX_BYTES} bytes, one trailing line break dropped.
   */
  static String read(String key, String variable, String fileName) {
    String where = key + ": " + variable + " names \"" + fileName + "\"";
    if (fileName.isBlank()) {
      throw new ConfigException(key + ": " + variable + " is set but empty; it names the file holding the value");
    }
    Path file = Path.of(fileName);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(where + ", which does not exist or is not a file");
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new ConfigException(where + ", which is larger than " + MAX_BYTES + " bytes");
      }
      String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      // `echo secret > file` and most editors end the file with a line break that is no part of the secret
      if (text.endsWith("\r\n")) {
        return text.substring(0, text.length() - 2);
      }
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } catch (IOException e) {
      throw new ConfigException(where + ", which cannot be read: " + e.getMessage(), e);
    }
  }
}
