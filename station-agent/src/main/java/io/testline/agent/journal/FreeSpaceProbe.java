package io.testline.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free bytes on the file system of a path; injectable so a full disk can be simulated without filling one. */
@FunctionalInterface
public interface FreeSpaceProbe {
  /** The real file system's usable space. */
  FreeSpaceProbe FILE_SYSTEM = path -> Files.getFileStore(path).getUsableSpace();

  long freeBytes(Path path) throws IOException;
}
