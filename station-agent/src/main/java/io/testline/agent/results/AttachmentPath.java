package io.testline.agent.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where the agent may read an attachment a results line names: a regular file inside the run directory, reached
 * without a symbolic link. A test program (or whoever can write its results file) could otherwise make the agent
 * hash and describe any file it can read, e.g. {@code ../../etc/shadow}, or a link to it.
 */
final class AttachmentPath {
  private AttachmentPath() {}

  /**
   * The file {@code pathText} names in {@code runDir}; null when there is no such file (yet), which is no error.
   *
   * @throws IllegalArgumentException with the reason, when the path leads out of the run directory or through a link
   */
  static Path resolve(Path runDir, String pathText) {
    Path base = runDir.toAbsolutePath().normalize();
    Path file;
    try {
      file = base.resolve(pathText).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("\"" + pathText + "\" is not a path: " + e.getReason());
    }
    if (!file.startsWith(base) || file.equals(base)) {
      throw new IllegalArgumentException("\"" + pathText + "\" is outside the run directory; attachments are read "
          + "only from inside it");
    }
    for (Path p = file; !p.equals(base); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new IllegalArgumentException("\"" + pathText + "\" goes through the symbolic link "
            + base.relativize(p) + "; attachments are read only from files inside the run directory, not links");
      }
    }
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? file : null;
  }

  /** Opens {@code file} for reading, refusing a symbolic link put in its place since {@link #resolve}. */
  static java.io.InputStream open(Path file) throws IOException {
    return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }
}
