package io.testline.agent.capture;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Linux signal numbers by name, and which of them dump core by default. */
public final class Signals {
  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
      Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"),
      Map.entry(9, "SIGKILL"), Map.entry(10, "SIGUSR1"), Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"),
      Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"), Map.entry(16, "SIGSTKFLT"),
      Map.entry(17, "SIGCHLD"), Map.entry(18, "SIGCONT"), Map.entry(19, "SIGSTOP"), Map.entry(20, "SIGTSTP"),
      Map.entry(21, "SIGTTIN"), Map.entry(22, "SIGTTOU"), Map.entry(23, "SIGURG"), Map.entry(24, "SIGXCPU"),
      Map.entry(25, "SIGXFSZ"), Map.entry(26, "SIGVTALRM"), Map.entry(27, "SIGPROF"), Map.entry(28, "SIGWINCH"),
      Map.entry(29, "SIGIO"), Map.entry(30, "SIGPWR"), Map.entry(31, "SIGSYS"));
  /** Signals whose default action is to terminate with a core dump (signal(7)). */
  private static final Set<Integer> CORE = Set.of(3, 4, 5, 6, 7, 8, 11, 24, 25, 31);
  /** Signals that mean someone asked the program to stop, rather than that it broke. */
  private static final Set<Integer> STOP_REQUESTS = Set.of(1, 2, 15);

  private Signals() {}

  public static Optional<String> name(int signal) {
    return Optional.ofNullable(NAMES.get(signal));
  }

  public static boolean dumpsCore(int signal) {
    return CORE.contains(signal);
  }

  public static boolean isStopRequest(int signal) {
    return STOP_REQUESTS.contains(signal);
  }
}
