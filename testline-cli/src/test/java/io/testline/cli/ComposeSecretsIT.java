package io.testline.cli;

import static io.testline.cli.ComposeFileIT.RUN_SECRETS;
import static io.testline.cli.ComposeFileIT.fakeSecret;
import static org.assertj.core.api.Assertions.assertThat;

import io.testline.bridge.config.BridgeConfig;
import io.testline.cli.web.WebCommand;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.metrics.MetricsAuth;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.web.access.WebAccessConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compose.yaml hands every secret to the containers as a compose secret (a file under deploy/secrets/, mounted at
 * /run/secrets/NAME) named by a {@code *_FILE} variable, never as a value in the environment or .env; and each
 * service's own config class really reads the {@code _FILE} variable it is given. Without a Docker engine: the
 * secrets are files in a temporary folder, as compose would mount them.
 */
class ComposeSecretsIT {
  /** An environment variable that carries a secret, without its {@code _FILE} ({@code __FILE} for Grafana). */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(PASSWORD|TOKEN|SECRET|SESSION_KEY|_USERS|JAAS_CONFIG|CREDENTIALS?|PRIVATE_KEY)");
  /** Third-party images' own _FILE rules: Grafana's is a double underscore, PostgreSQL's the usual one. */
  private static final Map<String, String> THIRD_PARTY_FILE_VARIABLES = Map.of(
      "postgres", "POSTGRES_PASSWORD_FILE", "grafana", "GF_SECURITY_ADMIN_PASSWORD__FILE");

  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  static void read(@TempDir Path secrets) throws IOException {
    ComposeFileIT.readCompose(secrets);
    services = new TreeMap<>();
    ComposeFileIT.map(ComposeFileIT.yaml(ComposeFileIT.root().resolve("compose.yaml")).get("services"), "services")
        .forEach((name, body) -> services.put(name, ComposeFileIT.map(body, name)));
  }

  @Test
  void no_service_environment_and_no_env_file_holds_a_secret_value() throws IOException {
    SoftAssertions soft = new SoftAssertions();
    services.forEach((name, s) -> ComposeFileIT.rawEnvironment(name, s).forEach((key, value) -> {
      if (SECRET_NAME.matcher(key.replaceFirst("_+FILE$", "")).matches()) {
        soft.assertThat(key).as("service %s: %s holds a secret in the environment; name its file with _FILE", name,
            key).endsWith("_FILE");
      }
    }));
    for (String line : Files.readAllLines(ComposeFileIT.root().resolve(".env.example"))) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
        soft.assertThat(l.substring(0, l.indexOf('='))).as(".env.example: %s is a secret, make it a compose secret",
            l).doesNotMatch(SECRET_NAME);
      }
    }
    soft.assertAll();
  }

  @Test
  void every_secret_is_declared_with_a_git_and_docker_ignored_file_under_deploy_secrets_and_used() throws IOException {
    Map<String, String> declared = ComposeFileIT.declaredSecrets();
    assertThat(declared).as("top-level secrets: of compose.yaml").containsKeys("postgres_password",
        "mqtt_bridge_password", "api_token", "web_users", "web_session_key", "metrics_password",
        "grafana_admin_password");
    Set<String> used = new TreeSet<>();
    SoftAssertions soft = new SoftAssertions();
    declared.forEach((name, file) -> soft.assertThat(file).as("secret %s: its file", name)
        .isEqualTo("./deploy/secrets/" + name));
    services.forEach((name, s) -> {
      for (String secret : secretsOf(name, s)) {
        used.add(secret);
        soft.assertThat(declared).as("service %s: secret %s is declared under secrets:", name, secret)
            .containsKey(secret);
      }
    });
    soft.assertThat(used).as("declared secrets that no service uses").containsAll(declared.keySet());
    soft.assertThat(Files.readAllLines(ComposeFileIT.root().resolve(".gitignore"))).as(".gitignore")
        .contains("/deploy/secrets/");
    soft.assertThat(Files.readAllLines(ComposeFileIT.root().resolve(".dockerignore"))).as(".dockerignore")
        .contains("deploy/secrets/");
    soft.assertAll();
  }

  @Test
  void every_file_variable_names_a_secret_of_its_own_service_under_run_secrets() throws IOException {
    SoftAssertions soft = new SoftAssertions();
    int files = 0;
    for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
      String name = e.getKey();
      List<String> own = secretsOf(name, e.getValue());
      for (Map.Entry<String, String> v : ComposeFileIT.rawEnvironment(name, e.getValue()).entrySet()) {
        if (!v.getKey().endsWith("_FILE")) {
          continue;
        }
        files++;
        soft.assertThat(v.getValue()).as("service %s: %s", name, v.getKey()).startsWith(RUN_SECRETS);
        soft.assertThat(own).as("service %s: %s names a secret the service is given", name, v.getKey())
            .contains(v.getValue().substring(Math.min(v.getValue().length(), RUN_SECRETS.length())));
      }
    }
    THIRD_PARTY_FILE_VARIABLES.forEach((service, variable) -> soft.assertThat(
        ComposeFileIT.rawEnvironment(service, services.get(service))).as("service %s", service).containsKey(variable));
    // Prometheus sends the metrics password from its own copy of the secret
    String prometheus = Files.readString(ComposeFileIT.root().resolve("deploy/prometheus/prometheus.yml"));
    soft.assertThat(prometheus).contains("password_file: " + RUN_SECRETS + "metrics_password");
    soft.assertThat(secretsOf("prometheus", services.get("prometheus"))).contains("metrics_password");
    soft.assertThat(files).as("_FILE variables in compose.yaml").isGreaterThanOrEqualTo(15);
    soft.assertAll();
  }

  @Test
  void each_service_config_reads_the_secret_files_its_file_variables_name() {
    Map<String, Object> loaded = ComposeFileIT.loadAllConfigs();
    SoftAssertions soft = new SoftAssertions();
    String metrics = fakeSecret("metrics_password");
    loaded.forEach((name, config) -> {
      if (config instanceof BridgeConfig b) {
        soft.assertThat(b.mqtt().password()).as("%s: mqtt.password", name)
            .isEqualTo(fakeSecret("mqtt_bridge_password"));
        if (ComposeFileIT.command(name, services.get(name)).get(1).equals("run")) {
          soft.assertThat(b.http().auth()).as("%s: http.username/password", name)
              .isEqualTo(new MetricsAuth("prometheus", metrics));
        }
      } else if (config instanceof ConsumerConfig c) {
        soft.assertThat(c.dbPassword()).as("%s: db.password", name).isEqualTo(fakeSecret("postgres_password"));
        soft.assertThat(c.httpAccess().token()).as("%s: http.authToken", name).isEqualTo(fakeSecret("api_token"));
        soft.assertThat(c.httpAccess().passwordHashes()).as("%s: http.users", name).containsKey("admin");
        soft.assertThat(c.metricsAuth()).as("%s: metrics", name).isEqualTo(new MetricsAuth("prometheus", metrics));
      } else if (config instanceof ShopfloorBridgeConfig f) {
        soft.assertThat(f.dbPassword()).as("%s: db.password", name).isEqualTo(fakeSecret("postgres_password"));
        soft.assertThat(f.metricsAuth()).as("%s: metrics", name).isEqualTo(new MetricsAuth("prometheus", metrics));
      } else if (config instanceof WebAccessConfig w) {
        soft.assertThat(w.access().passwordHashes()).as("%s: web.users", name).containsKey("admin");
        soft.assertThat(w.access().token()).as("%s: web.authToken", name).isEqualTo(fakeSecret("api_token"));
        soft.assertThat(new String(w.sessionKey(), StandardCharsets.UTF_8)).as("%s: web.sessionKey", name)
            .isEqualTo(fakeSecret("web_session_key"));
        soft.assertThat(WebCommand.dbPassword(ComposeFileIT.environment(name, services.get(name)),
            "TESTLINE_DB_PASSWORD")).as("%s: the database password (--db-password-env)", name)
            .isEqualTo(fakeSecret("postgres_password"));
      }
    });
    soft.assertThat(loaded.values()).as("configs loaded").hasAtLeastOneElementOfType(WebAccessConfig.class)
        .hasAtLeastOneElementOfType(ConsumerConfig.class).hasAtLeastOneElementOfType(ShopfloorBridgeConfig.class)
        .hasAtLeastOneElementOfType(BridgeConfig.class);
    soft.assertAll();
  }

  @Test
  void make_secrets_makes_every_declared_secret_readable_only_through_its_folder_and_keeps_them_on_a_rerun(
      @TempDir Path dir) throws Exception {
    Path secrets = dir.resolve("secrets");
    Path launcher = Path.of(System.getProperty("testline.dist", "target/testline")).toAbsolutePath().normalize()
        .resolve("bin/testline");
    assertThat(launcher).as("the packaged launcher, for hash-password").isExecutable();
    String firstOutput = makeSecrets(secrets, launcher);
    assertThat(firstOutput).contains("web user admin, password").doesNotContain("make " + secrets + "/web_users");

    Map<String, String> first = new TreeMap<>();
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).as("the folder")
        .isEqualTo("rwx------");
    for (String name : ComposeFileIT.declaredSecrets().keySet()) {
      Path file = secrets.resolve(name);
      soft.assertThat(file).as("secret %s", name).isRegularFile();
      if (Files.isRegularFile(file)) {
        first.put(name, Files.readString(file));
        soft.assertThat(Files.readString(file).strip()).as("secret %s", name).hasSizeGreaterThanOrEqualTo(32);
        soft.assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("secret %s", name)
            .isEqualTo("r--r--r--");
      }
    }
    soft.assertAll();

    makeSecrets(secrets, launcher);
    for (Map.Entry<String, String> e : first.entrySet()) {
      assertThat(Files.readString(secrets.resolve(e.getKey()))).as("secret %s kept on a second run", e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(ComposeFileIT.loadAllConfigs(secrets)).as("the services take the made secrets").isNotEmpty();
  }

  private static String makeSecrets(Path secrets, Path launcher) throws IOException, InterruptedException {
    // the password file beside the secrets, never the checkout's deploy/mosquitto/passwd (MosquittoPasswdIT tests it)
    ProcessBuilder pb = new ProcessBuilder("sh", ComposeFileIT.root().resolve("deploy/make-secrets.sh").toString(),
        secrets.toString(), secrets.resolveSibling("passwd").toString()).redirectErrorStream(true);
    pb.environment().put("TESTLINE", launcher.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("make-secrets.sh ends").isTrue();
    assertThat(p.exitValue()).as("make-secrets.sh: %s", out).isZero();
    return out;
  }

  /** The secrets a service is given (short syntax, or the long syntax's source). */
  private static List<String> secretsOf(String name, Map<String, Object> s) {
    List<String> out = new ArrayList<>();
    for (Object item : ComposeFileIT.list(s.get("secrets"), name + ".secrets")) {
      out.add(item instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(item));
    }
    return out;
  }
}
