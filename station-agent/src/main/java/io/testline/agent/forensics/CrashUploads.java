package io.testline.agent.forensics;

import io.testline.agent.journal.PendingUpload;
import io.testline.schemas.Crash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which kept files (the core, the minidump) go up with the run, under {@code forensics.uploadCores} and
 * {@code forensics.uploadMaxBytes}: a file over the limit, or one the journal has no room for, stays in the run
 * directory and the crash section's reason says why. The crash section lists the files that go up.
 */
final class CrashUploads {
  static final String CORE_MEDIA_TYPE = "application/x-coredump";
  static final String MINIDUMP_MEDIA_TYPE = "application/x-dmp";

  private final boolean on;
  private final long maxBytes;

  CrashUploads(boolean on, long maxBytes) {
    this.on = on;
    this.maxBytes = maxBytes;
  }

  /** The files to upload and the crash section that says so. */
  record Plan(List<PendingUpload> files, Crash crash) {}

  /** @param journalRoom bytes the journal can still take before its bound ({@code journal.maxBytes}) */
  Plan plan(Crash crash, Path runDir, UUID runId, String serialNumber, long journalRoom) {
    if (!on || crash == null) {
      return new Plan(List.of(), crash);
    }
    List<PendingUpload> files = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    if (crash.reason() != null) {
      reasons.add(crash.reason());
    }
    long room = journalRoom;
    for (String[] kept : new String[][] {{crash.coreFile(), CORE_MEDIA_TYPE}, {crash.minidumpFile(),
        MINIDUMP_MEDIA_TYPE}}) {
      if (kept[0] == null) {
        continue;
      }
      Path file = runDir.resolve(kept[0]);
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        reasons.add(kept[0] + " not uploaded: cannot read it: " + e);
        continue;
      }
      PendingUpload upload = new PendingUpload(runId, serialNumber, kept[0], file, kept[1], size);
      if (size > maxBytes) {
        reasons.add(kept[0] + " not uploaded: " + size + " bytes is over forensics.uploadMaxBytes " + maxBytes
            + "; kept in the run directory");
      } else if (upload.journalBytes() > room) {
        reasons.add(kept[0] + " not uploaded: its chunks need " + upload.journalBytes() + " bytes and the journal "
            + "has room for " + Math.max(0, room) + " (journal.maxBytes); kept in the run directory");
      } else {
        files.add(upload);
        room -= upload.journalBytes();
      }
    }
    String reason = reasons.isEmpty() ? null : PythonFaultHandler.bounded(String.join("; ", reasons),
        Crash.MAX_REASON_CHARS);
    return new Plan(List.copyOf(files), crash.withUploads(files.stream().map(PendingUpload::name).toList(), reason));
  }
}
