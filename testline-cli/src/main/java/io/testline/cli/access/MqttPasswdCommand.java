package io.testline.cli.access;

import io.testline.exit.ExitCodes;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code testline mqtt-passwd NAME}: prints {@code NAME:$7$...}, a line of mosquitto's {@code password_file} in the
 * format {@code mosquitto_passwd} writes ({@link MosquittoPasswordHash}), for hosts without mosquitto's tools;
 * {@code deploy/make-secrets.sh} uses it for the bridge's MQTT user when {@code mosquitto_passwd} is missing. The
 * password is read as {@link PasswordPrompt} reads it, never from the command line.
 */
@Command(name = "mqtt-passwd", mixinStandardHelpOptions = true,
    description = {"Prints NAME:$7$... (PBKDF2-SHA512), a line of mosquitto's password_file as mosquitto_passwd "
        + "writes it; reads the password from the terminal (twice) or one line of standard input."})
public final class MqttPasswdCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the MQTT user name (letters, digits, '.', '_', '@', '-')")
  String name;

  @Option(names = "--iterations", defaultValue = "" + MosquittoPasswordHash.DEFAULT_ITERATIONS,
      description = "PBKDF2 iterations, 101..1000000; default: ${DEFAULT-VALUE}")
  int iterations;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
      spec.commandLine().getErr().println("NAME: \"" + name + "\" may hold only letters, digits, '.', '_', '@', '-'");
      return ExitCodes.USAGE;
    }
    if (iterations < 101 || iterations > 1_000_000) {
      spec.commandLine().getErr().println("--iterations: " + iterations + " is not between 101 and 1000000");
      return ExitCodes.USAGE;
    }
    char[] password = PasswordPrompt.read(name, spec.commandLine().getErr());
    if (password == null || password.length < HashPasswordCommand.MIN_LENGTH) {
      spec.commandLine().getErr().println("the password must have at least " + HashPasswordCommand.MIN_LENGTH
          + " characters");
      return ExitCodes.DATA;
    }
    try {
      spec.commandLine().getOut().println(name + ":" + MosquittoPasswordHash.hash(password, iterations));
      spec.commandLine().getOut().flush();
    } finally {
      Arrays.fill(password, '\0');
    }
    return ExitCodes.OK;
  }
}
