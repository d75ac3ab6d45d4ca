package io.testline.agent.forensics;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the kernel writes a core, from {@code /proc/sys/kernel/core_pattern} (and {@code core_uses_pid}): a plain
 * pattern is a file name, relative to the crashing process's working directory or absolute, with {@code %p} (pid),
 * {@code %e} (executable name, 15 characters) and {@code %%} resolved here; a pattern starting with {@code |} pipes
 * the core to a program (systemd-coredump, apport), which this agent can read back only through {@code coredumpctl}.
 *
 * @param text      the pattern as read
 * @param usesPid   {@code core_uses_pid}: {@code .<pid>} is appended to a pattern without {@code %p}
 */
record CorePattern(String text, boolean usesPid) {
  static final Path PATTERN_FILE = Path.of("/proc/sys/kernel/core_pattern");
  static final Path USES_PID_FILE = Path.of("/proc/sys/kernel/core_uses_pid");

  /** The core pipes to a program. */
  boolean pipe() {
    return text.startsWith("|");
  }

  /** The program a piped core goes to, e.g. {@code /lib/systemd/systemd-coredump}. */
  String pipeProgram() {
    String command = text.substring(1).strip();
    int space = command.indexOf(' ');
    return space < 0 ? command : command.substring(0, space);
  }

  /**
   * The core file of process {@code pid} running {@code executable} in {@code workDir}, or empty with the reason
   * in {@link #unresolvable} when the pattern is a pipe or uses a specifier other than %p, %e and %%.
   */
  Optional<Path> file(Path workDir, long pid, String executable) {
    if (pipe() || text.isBlank() || unresolvable() != null) {
      return Optional.empty();
    }
    StringBuilder name = new StringBuilder();
    boolean hasPid = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 1 < text.length()) {
        char spec = text.charAt(++i);
        switch (spec) {
          case 'p' -> {
            name.append(pid);
            hasPid = true;
          }
          case 'e' -> name.append(executable.length() <= 15 ? executable : executable.substring(0, 15));
          default -> name.append('%');
        }
      } else {
        name.append(c);
      }
    }
    if (usesPid && !hasPid) {
      name.append('.').append(pid);
    }
    return Optional.of(workDir.resolve(name.toString()));
  }

  /** Why {@link #file} cannot say where the core is, or null when it can. */
  String unresolvable() {
    if (pipe()) {
      return "core_pattern pipes cores to " + pipeProgram();
    }
    if (text.isBlank()) {
      return "core_pattern is empty: the kernel writes no core";
    }
    for (int i = 0; i < text.length() - 1; i++) {
      if (text.charAt(i) == '%') {
        char spec = text.charAt(++i);
        if (spec != 'p' && spec != 'e' && spec != '%') {
          return "core_pattern \"" + text + "\" uses %" + spec + ", which the agent does not resolve";
        }
      }
    }
    return null;
  }
}
