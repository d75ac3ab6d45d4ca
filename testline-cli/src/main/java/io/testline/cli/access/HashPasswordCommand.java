package io.testline.cli.access;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code testline hash-password NAME}: prints {@code NAME:bcrypt-hash}, a line for {@code web.users} or
 * {@code http.users} (the format of {@code htpasswd -nB NAME}). The password is read from the terminal without echo,
 * or as one line of standard input, never from the command line (where {@code ps} and shell history would keep it).
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
    description = {"Prints NAME:bcrypt-hash for web.users / http.users; reads the password from the terminal "
        + "(twice) or one line of standard input."})
public final class HashPasswordCommand implements Callable<Integer> {
  static final int MIN_LENGTH = 8;

  @Parameters(index = "0", description = "the user name (letters, digits, '.', '_', '@', '-')")
  String name;

  @Option(names = "--cost", defaultValue = "12", description = "bcrypt cost, 10..16; default: ${DEFAULT-VALUE}")
  int cost;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
      spec.commandLine().getErr().println("NAME: \"" + name + "\" may hold only letters, digits, '.', '_', '@', '-'");
      return 2;
    }
    if (cost < 10 || cost > 16) {
      spec.commandLine().getErr().println("--cost: " + cost + " is not between 10 and 16");
      return 2;
    }
    char[] password = PasswordPrompt.read(name, spec.commandLine().getErr());
    if (password == null || password.length < MIN_LENGTH) {
      spec.commandLine().getErr().println("the password must have at least " + MIN_LENGTH + " characters");
      return 2;
    }
    try {
      spec.commandLine().getOut().println(name + ":"
          + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(cost, password));
      spec.commandLine().getOut().flush();
    } finally {
      Arrays.fill(password, '\0');
    }
    return 0;
  }
}
