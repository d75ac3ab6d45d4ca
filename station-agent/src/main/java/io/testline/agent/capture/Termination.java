package io.testline.agent.capture;

/**
 * How a child process ended, decoded from the exit value Java reports.
 *
 * <p>On Linux and macOS Java reports a death by signal n as exit value 128+n, exactly as a shell does. A program that
 * really calls {@code exit(139)} is therefore indistinguishable from one killed by SIGSEGV (11); testline reads any
 * value 129..159 that names a known signal as that signal. A test program that wants to report an error code should
 * use the results channel or an exit value below 128.
 *
 * @param exitValue  the value Java reported
 * @param exitCode   the program's exit code; null when it died by a signal
 * @param signal     the signal number, or 0
 * @param signalName e.g. {@code SIGSEGV}; null when not killed by a signal
 * @param coreDumped true when the signal dumps core by default; whether a core file was written depends on ulimit
 */
public record Termination(int exitValue, Integer exitCode, int signal, String signalName, boolean coreDumped) {

  public static Termination fromExitValue(int exitValue) {
    if (exitValue > 128 && exitValue < 160) {
      int signal = exitValue - 128;
      var name = Signals.name(signal);
      if (name.isPresent()) {
        return new Termination(exitValue, null, signal, name.get(), Signals.dumpsCore(signal));
      }
    }
    return new Termination(exitValue, exitValue, 0, null, false);
  }

  public boolean bySignal() {
    return signalName != null;
  }

  /** Words for an operator, e.g. {@code killed by SIGSEGV (core dumped)} or {@code exit code 3}. */
  public String describe() {
    return bySignal() ? "killed by " + signalName + (coreDumped ? " (core dumped)" : "") : "exit code " + exitCode;
  }
}
