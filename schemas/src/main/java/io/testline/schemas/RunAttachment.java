package io.testline.schemas;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One chunk of a file uploaded with a run (a core, a Windows minidump). The file is split into {@code chunks} chunks
 * of at most {@link #MAX_CHUNK_BYTES} bytes, numbered from 0; {@code sizeBytes} and {@code sha256} are the whole
 * file's, so a reader can tell when it has all of it and that the bytes are the station's.
 *
 * @param data this chunk's bytes, base64 (RFC 4648, padded)
 */
public record RunAttachment(UUID runId, String serialNumber, String name, String mediaType, long sizeBytes,
    String sha256, int chunk, int chunks, String data) implements Payload {
  /** The most bytes one chunk carries before base64: a chunk stays a third of {@link Schemas#MAX_MESSAGE_BYTES}. */
  public static final int MAX_CHUNK_BYTES = 256 * 1024;
  /** The schema's rule for {@code name}: one file name, safe in a URL path and on any file system. */
  public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$");

  public RunAttachment {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(data, "data");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: \"" + name + "\" is not a plain file name");
    }
    if (chunks < 1 || chunk < 0 || chunk >= chunks) {
      throw new IllegalArgumentException("chunk: " + chunk + " is not within 0.." + (chunks - 1));
    }
  }

  /** How many chunks a file of {@code sizeBytes} is split into (an empty file is one empty chunk). */
  public static int chunksFor(long sizeBytes) {
    return (int) Math.max(1, (sizeBytes + MAX_CHUNK_BYTES - 1) / MAX_CHUNK_BYTES);
  }
}
