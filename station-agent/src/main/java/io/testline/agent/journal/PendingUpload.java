package io.testline.agent.journal;

import io.testline.schemas.RunAttachment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * A file kept in a run's directory that the agent uploads as {@code run.attachment} chunks: recorded with the run's
 * run.finished, chunked into the journal right after it ({@link Journal#journalUploads()}), so run.finished is
 * neither delayed by the file nor published after it, and a kill between the two only postpones the chunks to the
 * next start.
 *
 * @param sizeBytes the file's size when it was chosen for upload; a file that changed since is not uploaded
 */
public record PendingUpload(UUID runId, String serialNumber, String name, Path path, String mediaType,
    long sizeBytes) {
  public PendingUpload {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(mediaType, "mediaType");
    if (name == null || !RunAttachment.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: \"" + name + "\" is not a plain file name");
    }
  }

  /** The journal bytes its chunks take: base64 plus an envelope per chunk. */
  public long journalBytes() {
    return sizeBytes / 3 * 4 + 4 + RunAttachment.chunksFor(sizeBytes) * 1024L;
  }
}
