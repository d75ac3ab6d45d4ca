package io.testline.cli.access;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How the password commands read a password: from the terminal without echo (twice), or as one line of standard
 * input, never from the command line (where {@code ps} and shell history would keep it).
 */
final class PasswordPrompt {
  private PasswordPrompt() {
  }

  /** The password for {@code name}; null (after saying why on {@code err}) when none was given or they differ. */
  static char[] read(String name, PrintWriter err) throws IOException {
    Console console = System.console();
    if (console != null) {
      char[] first = console.readPassword("password for %s: ", name);
      char[] again = console.readPassword("again: ");
      if (first == null || !Arrays.equals(first, again)) {
        err.println("the two passwords differ");
        return null;
      }
      return first;
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return line == null ? null : line.toCharArray();
  }
}
