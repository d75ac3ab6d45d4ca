package io.testline.cli.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MosquittoPasswordHashTest {
  /** Written by Debian's mosquitto_passwd 2.0.11 for the password "secret-pw-123". */
  private static final String MOSQUITTO_PASSWD_LINE = "$7$101$BdVXa2PjP986/sgY$kRFUrTXoia2EJAze/7FcDfg0kw9dTrxVMutt6Axp"
      + "+QJjpIWosOBMl3dgERLBRJ/yNnPwQwCHWmlBgMys4dZzyA==";

  @Test
  void hashes_exactly_as_mosquitto_passwd_does_for_the_same_salt_and_iterations() {
    byte[] salt = Base64.getDecoder().decode("BdVXa2PjP986/sgY");

    assertThat(MosquittoPasswordHash.hash("secret-pw-123".toCharArray(), salt, 101)).isEqualTo(MOSQUITTO_PASSWD_LINE);
    assertThat(MosquittoPasswordHash.verifies("secret-pw-123".toCharArray(), MOSQUITTO_PASSWD_LINE)).isTrue();
    assertThat(MosquittoPasswordHash.verifies("secret-pw-124".toCharArray(), MOSQUITTO_PASSWD_LINE)).isFalse();
  }

  @Test
  void a_new_hash_has_a_fresh_12_byte_salt_and_the_default_iterations() {
    String a = MosquittoPasswordHash.hash("a-long-password".toCharArray(), MosquittoPasswordHash.DEFAULT_ITERATIONS);
    String b = MosquittoPasswordHash.hash("a-long-password".toCharArray(), MosquittoPasswordHash.DEFAULT_ITERATIONS);

    assertThat(a).matches("\\$7\\$1000\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==").isNotEqualTo(b);
    assertThat(MosquittoPasswordHash.verifies("a-long-password".toCharArray(), b)).isTrue();
  }

  @Test
  void the_command_prints_a_password_file_line_and_never_the_password() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream in = System.in;
    int code;
    int tooShort;
    try {
      System.setIn(new ByteArrayInputStream("bridge-password-1\n".getBytes(StandardCharsets.UTF_8)));
      CommandLine cli = new CommandLine(new MqttPasswdCommand());
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      code = cli.execute("testline-bridge");
      System.setIn(new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)));
      tooShort = cli.execute("testline-bridge");
    } finally {
      System.setIn(in);
    }
    assertThat(code).isZero();
    String line = out.toString().strip();
    assertThat(line).startsWith("testline-bridge:$7$1000$").doesNotContain("bridge-password-1");
    assertThat(MosquittoPasswordHash.verifies("bridge-password-1".toCharArray(),
        line.substring("testline-bridge:".length()))).isTrue();
    assertThat(tooShort).isEqualTo(65);
    assertThat(err.toString()).contains("at least 8 characters");
  }
}
