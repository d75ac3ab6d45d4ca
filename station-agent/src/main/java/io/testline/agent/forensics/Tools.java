package io.testline.agent.forensics;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds helper programs (gdb, coredumpctl, kill) as a shell would: a path as given, a bare name on {@code PATH}. */
record Tools(String path) {
  static Tools fromEnvironment() {
    return new Tools(System.getenv("PATH"));
  }

  Optional<Path> find(String program) {
    if (program.contains("/") || program.contains(File.separator)) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir).resolve(program);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
