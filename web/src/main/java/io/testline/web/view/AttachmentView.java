package io.testline.web.view;

import java.util.Locale;

/**
 * One attachment of a step as the station reported it: where its bytes are ({@code path}), their size and sha256.
 * The agent sends only the reference; the bytes stay where the station wrote them unless the path is a web address.
 */
public record AttachmentView(int stepIndex, String step, String name, String path, String mediaType, Long sizeBytes,
    String sha256) {

  /** The path itself when it is an http(s) address the central side can fetch, else null (the bytes are only at the station). */
  public String downloadUrl() {
    if (path == null) {
      return null;
    }
    String lower = path.strip().toLowerCase(Locale.ROOT);
    return lower.startsWith("https://") || lower.startsWith("http://") ? path.strip() : null;
  }

  /** The size for people: bytes below 10 kB, else kB, MB or GB with one decimal (1 kB = 1000 bytes). */
  public String size() {
    if (sizeBytes == null) {
      return "";
    }
    long b = sizeBytes;
    if (b < 10_000) {
      return b + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = b;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
