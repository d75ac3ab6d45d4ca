package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.bridge.config.BridgeConfig;
import io.testline.config.ConfigSource;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.web.access.WebAccessConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks the distributed deployment ({@code compose.yaml} and {@code deploy/}) without a Docker engine: that it
 * names only files that exist, that its configs load through the services' real config classes with the environment
 * compose gives them, that the image runs the packaged distribution, and that Prometheus, Grafana and mosquitto are
 * wired to what the services actually expose. Every failure names the service.
 *
 * <p>compose.yaml is read with SnakeYAML (under Jackson's YAML module) because it resolves anchors and merge keys
 * ({@code <<: *testline}) as Compose does.
 */
class ComposeFileIT {

  private static final String DOCKERFILE = "deploy/docker/Dockerfile";
  private static final String ENTRYPOINT = "/opt/testline/bin/testline";
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
  private static final Pattern PORT = Pattern.compile(
      "^(?:(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3}):)?(?:(?<host>\\d{1,5}):)?(?<container>\\d{1,5})(?:/(?<proto>tcp|udp))?$");

  private static Path root;
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;
  private static Map<String, String> envExample;
  /** Fake compose secrets: the host file behind {@code /run/secrets/<name>} is {@code <name>} in this folder. */
  private static Path fakeSecrets;

  @BeforeAll
  static void readCompose(@TempDir Path secretsDir) throws IOException {
    root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    Path file = root.resolve("compose.yaml");
    assertThat(file).as("compose.yaml at the repository root").isRegularFile();
    compose = yaml(file);
    services = new TreeMap<>();
    map(compose.get("services"), "services").forEach((name, body) -> services.put(name, map(body, name)));
    assertThat(services).as("services of compose.yaml").isNotEmpty();
    envExample = readEnvFile(root.resolve(".env.example"));
    fakeSecrets = secretsDir;
    for (String secret : declaredSecrets().keySet()) {
      Files.writeString(secretsDir.resolve(secret), fakeSecret(secret) + "\n");
    }
  }

  /** The top-level {@code secrets:} of compose.yaml: each name with its host file, as written. */
  static Map<String, String> declaredSecrets() {
    Map<String, String> out = new TreeMap<>();
    if (compose.get("secrets") != null) {
      map(compose.get("secrets"), "secrets").forEach((name, body) ->
          out.put(name, String.valueOf(map(body, "secrets." + name).get("file"))));
    }
    return out;
  }

  /** A valid value for each secret, different from every other (web_users: one user, admin, password admin-pw). */
  static String fakeSecret(String name) {
    return name.equals("web_users") ? "admin:" + FAKE_ADMIN_HASH
        : "fake-" + name.replace('_', '-') + "-0123456789abcdef0123456789abcdef";
  }

  private static final String FAKE_ADMIN_HASH =
      at.favre.lib.crypto.bcrypt.BCrypt.withDefaults().hashToString(4, "admin-pw".toCharArray());

  @Test
  void every_service_has_an_image_or_a_build() {
    SoftAssertions soft = new SoftAssertions();
    services.forEach((name, s) -> soft.assertThat(s.containsKey("image") || s.containsKey("build"))
        .as("service %s has an image or a build", name).isTrue());
    soft.assertAll();
  }

  @Test
  void bind_mounts_exist_and_named_volumes_are_declared() {
    Set<String> declared = compose.get("volumes") == null ? Set.of() : map(compose.get("volumes"), "volumes").keySet();
    Set<String> used = new TreeSet<>();
    SoftAssertions soft = new SoftAssertions();
    services.forEach((name, s) -> {
      for (Mount m : mounts(name, s)) {
        if (m.bind()) {
          soft.assertThat(m.source()).as("service %s: bind mount %s must be relative to the repository", name,
              m.source()).startsWith(".");
          if (!madePerPlant(m.source())) {
            soft.assertThat(root.resolve(m.source()).normalize())
                .as("service %s: bind-mounted host path %s", name, m.source()).exists();
          }
        } else {
          used.add(m.source());
          soft.assertThat(declared).as("service %s: named volume %s is declared under volumes:", name, m.source())
              .contains(m.source());
        }
      }
      for (String dependency : dependsOn(s)) {
        soft.assertThat(services).as("service %s depends on %s", name, dependency).containsKey(dependency);
      }
      Object networkMode = s.get("network_mode");
      if (networkMode != null && networkMode.toString().startsWith("service:")) {
        String other = networkMode.toString().substring("service:".length());
        soft.assertThat(services).as("service %s shares the network of %s", name, other).containsKey(other);
        soft.assertThat(s.get("ports")).as("service %s: no ports with network_mode %s", name, networkMode).isNull();
      }
    });
    soft.assertThat(used).as("declared volumes that no service uses").containsAll(declared);
    soft.assertThat(declared).as("volumes for the Kafka, PostgreSQL and mosquitto data")
        .contains("kafka-data", "postgres-data", "mosquitto-data");
    soft.assertAll();
  }

  @Test
  void port_mappings_are_well_formed_and_no_host_port_is_used_twice() {
    Map<Integer, String> hostPorts = new HashMap<>();
    SoftAssertions soft = new SoftAssertions();
    services.forEach((name, s) -> {
      for (Object port : list(s.get("ports"), name + ".ports")) {
        Integer hostPort = null;
        if (port instanceof Map<?, ?> longSyntax) {
          Object target = longSyntax.get("target");
          soft.assertThat(target).as("service %s: port %s has a target", name, port).isNotNull();
          if (target != null) {
            soft.assertThat(validPort(target.toString())).as("service %s: target of %s", name, port).isTrue();
          }
          Object published = longSyntax.get("published");
          if (published != null) {
            soft.assertThat(validPort(published.toString())).as("service %s: published of %s", name, port).isTrue();
            hostPort = validPort(published.toString()) ? Integer.parseInt(published.toString()) : null;
          }
        } else {
          Matcher m = PORT.matcher(port.toString());
          if (!m.matches()) {
            soft.fail("service %s: port mapping \"%s\" is not [ip:]host:container[/proto]", name, port);
            continue;
          }
          soft.assertThat(validPort(m.group("container"))).as("service %s: container port of %s", name, port)
              .isTrue();
          if (m.group("host") != null) {
            soft.assertThat(validPort(m.group("host"))).as("service %s: host port of %s", name, port).isTrue();
            hostPort = Integer.parseInt(m.group("host"));
          }
        }
        if (hostPort != null) {
          String earlier = hostPorts.putIfAbsent(hostPort, name);
          soft.assertThat(earlier).as("service %s: host port %d is already used by service %s", name, hostPort,
              earlier).isNull();
        }
      }
    });
    soft.assertAll();
  }

  @Test
  void testline_services_run_a_known_command_of_the_packaged_distribution() throws IOException {
    List<String> dockerfile = Files.readAllLines(root.resolve(DOCKERFILE));
    String entrypoint = dockerfile.stream().map(String::trim).filter(l -> l.startsWith("ENTRYPOINT")).reduce(
        (a, b) -> b).orElseThrow(() -> new AssertionError(DOCKERFILE + " has no ENTRYPOINT"));
    assertThat(entrypoint).as(DOCKERFILE + " ENTRYPOINT").isEqualTo("ENTRYPOINT [\"" + ENTRYPOINT + "\"]");

    Path dist = Path.of(System.getProperty("testline.dist", "target/testline")).toAbsolutePath().normalize();
    Path launcher = dist.resolve(ENTRYPOINT.substring("/opt/testline/".length()));
    assertThat(launcher).as("the image's entrypoint %s in the packaged distribution", ENTRYPOINT).isRegularFile()
        .isExecutable();
    assertThat(dist.resolve("lib")).as("the distribution's lib/").isDirectory();

    Set<String> known = Main.serviceNames();
    SoftAssertions soft = new SoftAssertions();
    assertThat(testlineServices()).as("services built from " + DOCKERFILE).isNotEmpty();
    testlineServices().forEach((name, s) -> {
      soft.assertThat(s.get("entrypoint")).as("service %s keeps the image's entrypoint", name).isNull();
      List<String> command = command(name, s);
      soft.assertThat(command).as("service %s: command", name).isNotEmpty();
      if (!command.isEmpty()) {
        soft.assertThat(known).as("service %s: first word of its command %s", name, command).contains(command.get(0));
      }
      int config = command.indexOf("--config");
      if (config >= 0) {
        soft.assertThat(config + 1).as("service %s: --config has a value", name).isLessThan(command.size());
        if (config + 1 < command.size()) {
          Path host = hostPath(name, s, command.get(config + 1));
          soft.assertThat(host).as("service %s: config file %s", name, command.get(config + 1)).isNotNull();
          if (host != null) {
            soft.assertThat(host).as("service %s: config file %s on the host", name, command.get(config + 1))
                .isRegularFile();
          }
        }
      }
    });
    soft.assertAll();
  }

  @Test
  void the_image_builds_the_distribution_archive_in_a_maven_stage_and_runs_it_unprivileged_on_the_jre()
      throws IOException {
    List<String> lines = Files.readAllLines(root.resolve(DOCKERFILE)).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<Integer> froms = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        froms.add(i);
      }
    }
    assertThat(froms).as(DOCKERFILE + ": two stages").hasSize(2);
    List<String> build = lines.subList(froms.get(0), froms.get(1));
    List<String> runtime = lines.subList(froms.get(1), lines.size());

    assertThat(build.get(0)).as(DOCKERFILE + ": the build stage").matches("FROM maven:\\S*eclipse-temurin-17 AS build");
    assertThat(build).as(DOCKERFILE + ": the build stage copies the sources and runs mvn package, tests skipped")
        .contains("COPY . .").anyMatch(l -> l.startsWith("RUN") && l.contains("mvn -B")
            && l.contains("-DskipTests package"));
    String archive = "testline-cli/target/testline-*.tar.gz";
    assertThat(String.join("\n", build)).as(DOCKERFILE + ": the build stage unpacks the archive mvn package makes")
        .contains("tar -xzf " + archive + " -C /opt/testline --strip-components=1");
    try (Stream<Path> target = Files.list(root.resolve("testline-cli/target"))) {
      assertThat(target.map(p -> p.getFileName().toString()))
          .as("exactly one archive matches %s, the one the build made", archive)
          .filteredOn(n -> n.startsWith("testline-") && n.endsWith(".tar.gz"))
          .containsExactly("testline-" + System.getProperty("testline.version", "0.1.0-SNAPSHOT") + ".tar.gz");
    }

    assertThat(runtime.get(0)).as(DOCKERFILE + ": the runtime stage").isEqualTo("FROM eclipse-temurin:17-jre AS runtime");
    assertThat(runtime).as(DOCKERFILE + ": the runtime stage takes only the unpacked distribution")
        .contains("COPY --from=build --chown=root:root /opt/testline/ /opt/testline/")
        .noneMatch(l -> l.startsWith("COPY") && !l.startsWith("COPY --from=build"));
    String user = runtime.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(DOCKERFILE + ": the runtime stage sets no USER"));
    assertThat(user).as(DOCKERFILE + ": the services' user").isEqualTo("USER testline");

    List<String> ignored = Files.readAllLines(root.resolve(".dockerignore")).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(ignored).as(".dockerignore: build output, secrets and git stay out of the build context")
        .contains("**/target/", ".env", "deploy/mosquitto/passwd", ".git/")
        .as(".dockerignore must not hide the sources the build stage compiles").doesNotContain("*", "**", "pom.xml");

    assertThat(testlineServices()).as("compose services built from %s with the repository as context", DOCKERFILE)
        .containsKeys("result-consumer", "web");
  }

  @Test
  void every_config_loads_through_the_real_config_classes_with_the_environment_compose_sets() throws IOException {
    Map<String, Object> loaded = loadAllConfigs();
    Set<Path> used = new TreeSet<>();
    testlineServices().forEach((name, s) -> configFile(name, s).ifPresent(used::add));
    try (Stream<Path> files = Files.list(root.resolve("deploy/config"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".yaml")).map(Path::normalize).toList())
          .as("every deploy/config/*.yaml is used by a compose service").allMatch(used::contains);
    }

    SoftAssertions soft = new SoftAssertions();
    Map<String, BridgeConfig> bridges = new TreeMap<>();
    loaded.forEach((name, config) -> {
      if (config instanceof BridgeConfig b) {
        if (command(name, services.get(name)).get(1).equals("run")) {
          bridges.put(name, b);
        }
        soft.assertThat(b.mqtt().password()).as("service %s: the MQTT password comes from its secret", name)
            .isEqualTo(fakeSecret("mqtt_bridge_password"));
        soft.assertThat(services).as("service %s: mqtt.url host", name).containsKey(b.mqtt().url().getHost());
        hosts(b.kafka().bootstrapServers()).forEach(h ->
            soft.assertThat(services).as("service %s: kafka.bootstrapServers host", name).containsKey(h));
      } else if (config instanceof WebAccessConfig w) {
        soft.assertThat(w.access().configured()).as("service %s: every page needs a login", name).isTrue();
        soft.assertThat(w.allowUnauthenticated()).as("service %s: --allow-unauthenticated", name).isFalse();
        soft.assertThat(w.sessionKey()).as("service %s: web.sessionKey shared by every instance", name).isNotNull();
      } else if (config instanceof ConsumerConfig c) {
        soft.assertThat(c.httpAccess().token()).as("service %s: the API token comes from its secret", name)
            .isEqualTo(fakeSecret("api_token"));
        soft.assertThat(c.dbPassword()).as("service %s: the database password comes from its secret", name)
            .isEqualTo(fakeSecret("postgres_password"));
        soft.assertThat(services).as("service %s: db.url host", name).containsKey(jdbcHost(c.dbUrl()));
        hosts(c.bootstrapServers()).forEach(h ->
            soft.assertThat(services).as("service %s: kafka.bootstrapServers host", name).containsKey(h));
      } else if (config instanceof ShopfloorBridgeConfig f) {
        soft.assertThat(f.dbPassword()).as("service %s: the database password comes from its secret", name)
            .isEqualTo(fakeSecret("postgres_password"));
        soft.assertThat(services).as("service %s: db.url host", name).containsKey(jdbcHost(f.jdbcUrl()));
        hosts(f.bootstrapServers()).forEach(h ->
            soft.assertThat(services).as("service %s: kafka.bootstrapServers host", name).containsKey(h));
      }
    });
    soft.assertThat(bridges).as("at least two bridge instances").hasSizeGreaterThanOrEqualTo(2);
    soft.assertThat(bridges.values().stream().map(BridgeConfig::instanceId).distinct().count())
        .as("bridge.instanceId differs between %s", bridges.keySet()).isEqualTo(bridges.size());
    soft.assertThat(bridges.values().stream().map(b -> b.mqtt().clientId()).distinct().count())
        .as("mqtt.clientId differs between %s", bridges.keySet()).isEqualTo(bridges.size());
    soft.assertThat(bridges.values().stream().map(b -> b.mqtt().shareGroup()).distinct().count())
        .as("mqtt.shareGroup is the same for %s", bridges.keySet()).isEqualTo(1);
    soft.assertThat(bridges.values().stream().filter(b -> b.gaps().enabled()).count())
        .as("gap detection runs in exactly one bridge instance").isEqualTo(1);
    soft.assertAll();

    try (Stream<Path> files = Files.list(root.resolve("deploy/config"))) {
      for (Path f : files.toList()) {
        assertThat(Files.readString(f)).as("%s holds no literal password (it is a compose secret)", f.getFileName())
            .doesNotContainPattern("(?i)password\\s*:");
      }
    }
  }

  @Test
  void prometheus_scrapes_exactly_the_testline_services_at_the_ports_their_configs_set() {
    Set<String> expected = new TreeSet<>();
    loadAllConfigs().forEach((name, config) -> {
      int port = -1;
      if (config instanceof BridgeConfig b && command(name, services.get(name)).get(1).equals("run")) {
        port = b.http().port();
      } else if (config instanceof ConsumerConfig c) {
        port = c.metricsPort();
      } else if (config instanceof ShopfloorBridgeConfig f) {
        port = f.metricsPort();
      }
      if (port > 0) {
        expected.add(name + ":" + port);
      }
    });
    Map<String, Object> prometheusService = services.get("prometheus");
    assertThat(prometheusService).as("service prometheus").isNotNull();
    Path file = hostPath("prometheus", prometheusService, "/etc/prometheus/prometheus.yml");
    assertThat(file).as("service prometheus: /etc/prometheus/prometheus.yml is mounted from the repository")
        .isNotNull().isRegularFile();

    Set<String> scraped = new TreeSet<>();
    SoftAssertions soft = new SoftAssertions();
    for (Object job : list(yaml(file).get("scrape_configs"), "scrape_configs")) {
      Map<String, Object> j = map(job, "scrape job");
      Object path = j.getOrDefault("metrics_path", "/metrics");
      soft.assertThat(path).as("prometheus job %s: metrics_path", j.get("job_name")).isEqualTo("/metrics");
      for (Object sc : list(j.get("static_configs"), "static_configs")) {
        for (Object target : list(map(sc, "static_config").get("targets"), "targets")) {
          soft.assertThat(scraped.add(target.toString())).as("prometheus scrapes %s once", target).isTrue();
        }
      }
    }
    soft.assertThat(scraped).as("Prometheus targets (service:port) versus the testline services' metrics endpoints")
        .containsExactlyInAnyOrderElementsOf(expected);
    soft.assertAll();
  }

  @Test
  void grafana_is_provisioned_with_the_prometheus_datasource_and_the_testline_dashboard() throws IOException {
    Map<String, Object> grafana = services.get("grafana");
    assertThat(grafana).as("service grafana").isNotNull();
    Path provisioning = hostPath("grafana", grafana, "/etc/grafana/provisioning");
    assertThat(provisioning).as("service grafana: /etc/grafana/provisioning is mounted").isNotNull().isDirectory();

    Map<String, Object> datasource = map(list(yaml(provisioning.resolve("datasources/prometheus.yaml"))
        .get("datasources"), "datasources").get(0), "datasource");
    assertThat(datasource.get("type")).as("grafana datasource type").isEqualTo("prometheus");
    String url = datasource.get("url").toString();
    assertThat(URI.create(url).getHost()).as("grafana datasource %s: host is a compose service", url).isIn(
        services.keySet());

    Map<String, Object> provider = map(list(yaml(provisioning.resolve("dashboards/testline.yaml"))
        .get("providers"), "providers").get(0), "dashboard provider");
    String dashboards = map(provider.get("options"), "options").get("path").toString();
    Path dashboardDir = hostPath("grafana", grafana, dashboards);
    assertThat(dashboardDir).as("service grafana: dashboard folder %s is mounted", dashboards).isNotNull()
        .isDirectory();
    JsonNode dashboard = new ObjectMapper().readTree(dashboardDir.resolve("testline.json").toFile());
    assertThat(dashboard.path("panels").size()).as("panels of the testline dashboard").isGreaterThanOrEqualTo(3);
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode panel : dashboard.path("panels")) {
      String title = panel.path("title").asText();
      soft.assertThat(panel.path("datasource").path("uid").asText()).as("panel %s: datasource", title)
          .isEqualTo(datasource.get("uid"));
      soft.assertThat(panel.path("targets").size()).as("panel %s: queries", title).isPositive();
      for (JsonNode target : panel.path("targets")) {
        soft.assertThat(target.path("expr").asText()).as("panel %s: query", title).containsPattern(
            "testline_[a-z_]+|up\\{");
      }
    }
    soft.assertAll();
  }

  @Test
  void mosquitto_requires_a_password_and_restricts_station_writes_to_their_own_subtree() throws IOException {
    Map<String, Object> mosquitto = services.get("mosquitto");
    assertThat(mosquitto).as("service mosquitto").isNotNull();
    assertThat(String.valueOf(mosquitto.get("image"))).as("service mosquitto: image").startsWith("eclipse-mosquitto:2");
    Path conf = hostPath("mosquitto", mosquitto, "/mosquitto/config/mosquitto.conf");
    assertThat(conf).as("service mosquitto: /mosquitto/config/mosquitto.conf is mounted").isNotNull().isRegularFile();
    Map<String, String> options = mosquittoOptions(conf);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(options.get("allow_anonymous")).as("mosquitto: allow_anonymous").isEqualTo("false");
    soft.assertThat(options).as("mosquitto: password_file and acl_file").containsKeys("password_file", "acl_file");
    soft.assertThat(options.get("persistence")).as("mosquitto: persistence").isEqualTo("true");
    soft.assertThat(Long.parseLong(options.getOrDefault("max_inflight_messages", "20")))
        .as("mosquitto: max_inflight_messages raised above the default 20 that drops silently")
        .isGreaterThanOrEqualTo(1000);
    soft.assertThat(Long.parseLong(options.getOrDefault("max_queued_messages", "1000")))
        .as("mosquitto: max_queued_messages raised above the default 1000").isGreaterThanOrEqualTo(100_000);
    String persistence = options.getOrDefault("persistence_location", "");
    soft.assertThat(mounts("mosquitto", mosquitto)).as("mosquitto: persistence_location %s is on a named volume",
        persistence).anyMatch(m -> !m.bind() && persistence.startsWith(m.target()));
    soft.assertAll();

    Path passwordDir = hostPath("mosquitto", mosquitto, parent(options.get("password_file")));
    assertThat(passwordDir).as("mosquitto: the folder of password_file %s is mounted", options.get("password_file"))
        .isNotNull().isDirectory();
    assertThat(Files.readAllLines(root.resolve(".gitignore"))).as(".gitignore keeps the password file out of git")
        .contains("/" + root.relativize(hostPath("mosquitto", mosquitto, options.get("password_file"))));
    Path acl = hostPath("mosquitto", mosquitto, options.get("acl_file"));
    assertThat(acl).as("mosquitto: acl_file %s", options.get("acl_file")).isNotNull().isRegularFile();
    assertStationWritesOnlyOwnSubtree(acl);
  }

  @Test
  void mosquitto_takes_stations_on_tls_with_client_certificates_and_keeps_cleartext_on_loopback() throws IOException {
    Map<String, Object> mosquitto = services.get("mosquitto");
    Map<String, String> options = mosquittoOptions(hostPath("mosquitto", mosquitto,
        "/mosquitto/config/mosquitto.conf"));
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(options.get("listener")).as("mosquitto: the last listener, for stations").isEqualTo("8883");
    soft.assertThat(options.get("require_certificate")).as("mosquitto: require_certificate").isEqualTo("true");
    soft.assertThat(options.get("use_identity_as_username")).as("mosquitto: use_identity_as_username, so the "
        + "ACL's %u is the certificate's CN").isEqualTo("true");
    for (String file : List.of("cafile", "certfile", "keyfile")) {
      soft.assertThat(hostPath("mosquitto", mosquitto, options.getOrDefault(file, "/none")))
          .as("mosquitto: %s %s comes from make-certs.sh's broker folder", file, options.get(file))
          .isEqualTo(root.resolve("deploy/certs/broker").resolve(Path.of(options.getOrDefault(file, "/none"))
              .getFileName()));
    }
    soft.assertThat(list(mosquitto.get("volumes"), "mosquitto.volumes")).as("mosquitto: certificates mounted read-only")
        .map(String::valueOf).contains("./deploy/certs/broker:/mosquitto/certs:ro");
    List<String> ports = list(mosquitto.get("ports"), "mosquitto.ports").stream().map(String::valueOf).toList();
    soft.assertThat(ports).as("mosquitto: ports").contains("8883:8883")
        .filteredOn(p -> p.endsWith(":1883")).isNotEmpty().allMatch(p -> p.startsWith("127.0.0.1:"));
    soft.assertThat(Files.readAllLines(root.resolve(".gitignore"))).as(".gitignore keeps the certificates out of git")
        .contains("/deploy/certs/");
    soft.assertThat(Files.readAllLines(root.resolve(".dockerignore"))).as(".dockerignore keeps them out of the image")
        .contains("deploy/certs/");
    soft.assertAll();
  }

  /** A host path each plant makes itself (make-certs.sh's folder), kept out of git: it need not exist here. */
  private static boolean madePerPlant(String source) {
    return Path.of(source).normalize().startsWith(Path.of("deploy/certs"));
  }

  /** The ACL's global part and patterns may let a station write only {@code testline/v1/%u/...}. */
  static void assertStationWritesOnlyOwnSubtree(Path acl) throws IOException {
    SoftAssertions soft = new SoftAssertions();
    Set<String> ownKinds = new TreeSet<>();
    boolean inUserBlock = false;
    for (String raw : Files.readAllLines(acl)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+", 3);
      switch (words[0]) {
        case "user" -> inUserBlock = true;
        case "pattern", "topic" -> {
          boolean hasAccess = words.length == 3 && Set.of("read", "write", "readwrite", "deny").contains(words[1]);
          String access = hasAccess ? words[1] : "readwrite";
          String topic = hasAccess ? words[2] : line.substring(words[0].length()).strip();
          boolean writes = access.equals("write") || access.equals("readwrite");
          if (words[0].equals("pattern") && writes) {
            soft.assertThat(topic).as("acl: \"%s\" (a pattern applies to every user)", line)
                .startsWith("testline/v1/%u/").doesNotContain("#", "+");
            ownKinds.add(topic.substring("testline/v1/%u/".length()));
          } else if (words[0].equals("topic") && writes && !inUserBlock) {
            soft.fail("acl: \"%s\" grants writes outside any user block (to anonymous clients)", line);
          }
        }
        default -> soft.fail("acl: unknown line \"%s\"", line);
      }
    }
    soft.assertThat(ownKinds).as("acl: a station may publish its uplink kinds under its own id")
        .contains("birth", "death", "heartbeat", "events", "logs");
    soft.assertAll();
  }

  // ---- reading compose.yaml

  record Mount(boolean bind, String source, String target) {}

  /** The testline services: those built from (or running the image built from) deploy/docker/Dockerfile. */
  static Map<String, Map<String, Object>> testlineServices() {
    Set<Object> images = new LinkedHashSet<>();
    services.values().stream().filter(ComposeFileIT::buildsTestlineImage).map(s -> s.get("image"))
        .filter(java.util.Objects::nonNull).forEach(images::add);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    services.forEach((name, s) -> {
      if (buildsTestlineImage(s) || images.contains(s.get("image"))) {
        out.put(name, s);
      }
    });
    return out;
  }

  private static boolean buildsTestlineImage(Map<String, Object> s) {
    return s.get("build") instanceof Map<?, ?> build && DOCKERFILE.equals(build.get("dockerfile"))
        && ".".equals(String.valueOf(build.get("context")));
  }

  /** {@link #loadAllConfigs(Path)} with the fake secrets. */
  static Map<String, Object> loadAllConfigs() {
    return loadAllConfigs(fakeSecrets);
  }

  /**
   * Loads every testline service's config through the service's own config class, with compose's environment and
   * its {@code /run/secrets/<name>} files taken from {@code secretsDir}.
   */
  static Map<String, Object> loadAllConfigs(Path secretsDir) {
    Map<String, Object> loaded = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    testlineServices().forEach((name, s) -> {
      List<String> command = command(name, s);
      Path file = configFile(name, s).orElse(null);
      Map<String, String> env = environment(name, s, secretsDir);
      try {
        Object config = switch (command.get(0)) {
          case "bridge" -> BridgeConfig.from(ConfigSource.load(file, env, BridgeConfig.ENV_PREFIX));
          case "result-consumer" -> ConsumerConfig.load(ConfigSource.load(file, env, ConsumerConfig.ENV_PREFIX));
          case "shopfloor-bridge" -> command.get(1).equals("simulator") ? null
              : ShopfloorBridgeConfig.load(ConfigSource.load(file, env, ShopfloorBridgeConfig.ENV_PREFIX));
          case "web" -> webAccess(command, file, env);
          default -> null;
        };
        if (config != null) {
          loaded.put(name, config);
        } else if (file != null) {
          failures.add("service " + name + ": command " + command + " has a config no test loads");
        }
      } catch (RuntimeException e) {
        failures.add("service " + name + " (" + file + "): " + e.getMessage());
      }
    });
    if (!failures.isEmpty()) {
      fail("configs that the services would refuse at start:%n  %s", String.join("\n  ", failures));
    }
    return loaded;
  }

  /** The web's access settings as {@code testline web} reads them, checked against its {@code --host}. */
  private static WebAccessConfig webAccess(List<String> command, Path file, Map<String, String> env) {
    WebAccessConfig access = WebAccessConfig.load(ConfigSource.load(file, env, "TESTLINE_"),
        command.contains("--allow-unauthenticated"));
    int host = command.indexOf("--host");
    access.requireBindAllowed(host < 0 ? "127.0.0.1" : command.get(host + 1));
    return access;
  }

  private static java.util.Optional<Path> configFile(String name, Map<String, Object> s) {
    List<String> command = command(name, s);
    int i = command.indexOf("--config");
    if (i < 0 || i + 1 >= command.size()) {
      return java.util.Optional.empty();
    }
    Path host = hostPath(name, s, command.get(i + 1));
    if (host == null) {
      fail("service %s: config %s is not in a bind mount", name, command.get(i + 1));
    }
    return java.util.Optional.of(host.normalize());
  }

  @SuppressWarnings("unchecked")
  static List<String> command(String name, Map<String, Object> s) {
    Object command = s.get("command");
    if (command == null) {
      return List.of();
    }
    if (!(command instanceof List<?>)) {
      fail("service %s: command should be a list (exec form), is \"%s\"", name, command);
    }
    return ((List<Object>) command).stream().map(String::valueOf).toList();
  }

  /** {@link #environment(String, Map, Path)} with the fake secrets. */
  static Map<String, String> environment(String name, Map<String, Object> s) {
    return environment(name, s, fakeSecrets);
  }

  /**
   * The environment compose gives the service, with ${VAR} taken from .env.example and a path under
   * {@value #RUN_SECRETS} (a compose secret) turned into the file of that name in {@code secretsDir}.
   */
  static Map<String, String> environment(String name, Map<String, Object> s, Path secretsDir) {
    Map<String, String> env = rawEnvironment(name, s);
    env.replaceAll((k, v) -> v.startsWith(RUN_SECRETS) ? secretsDir.resolve(v.substring(RUN_SECRETS.length()))
        .toString() : v);
    return env;
  }

  static final String RUN_SECRETS = "/run/secrets/";

  /** The environment compose gives the service, with ${VAR} taken from .env.example. */
  static Map<String, String> rawEnvironment(String name, Map<String, Object> s) {
    Map<String, String> env = new LinkedHashMap<>();
    Object raw = s.get("environment");
    if (raw instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(k.toString(), v == null ? "" : interpolate(name, v.toString())));
    } else if (raw instanceof List<?> l) {
      for (Object item : l) {
        String[] kv = item.toString().split("=", 2);
        env.put(kv[0], kv.length > 1 ? interpolate(name, kv[1]) : "");
      }
    }
    return env;
  }

  private static String interpolate(String service, String value) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String var = m.group(1);
      String given = envExample.get(var);
      String op = m.group(2);
      String replacement;
      if (given != null && !(given.isEmpty() && op != null && op.startsWith(":"))) {
        replacement = given;
      } else if (op != null && op.endsWith("-")) {
        replacement = m.group(3);
      } else {
        replacement = null;
        fail("service %s: ${%s} is %s but not set in .env.example", service, var,
            op != null && op.endsWith("?") ? "required" : "used");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  static List<Mount> mounts(String name, Map<String, Object> s) {
    List<Mount> out = new ArrayList<>();
    for (Object v : list(s.get("volumes"), name + ".volumes")) {
      if (v instanceof Map<?, ?> m) {
        String type = String.valueOf(m.get("type"));
        out.add(new Mount(type.equals("bind"), String.valueOf(m.get("source")), String.valueOf(m.get("target"))));
      } else {
        String[] parts = v.toString().split(":");
        if (parts.length < 2) {
          fail("service %s: volume \"%s\" is anonymous; give it a name or a host path", name, v);
        }
        boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/") || parts[0].startsWith("~");
        out.add(new Mount(bind, parts[0], parts[1]));
      }
    }
    return out;
  }

  /** The host file behind {@code containerPath} through the service's bind mounts (longest target first). */
  static Path hostPath(String name, Map<String, Object> s, String containerPath) {
    return mounts(name, s).stream().filter(Mount::bind)
        .filter(m -> containerPath.equals(m.target()) || containerPath.startsWith(m.target() + "/"))
        .max(java.util.Comparator.comparingInt(m -> m.target().length()))
        .map(m -> root.resolve(m.source()).resolve(containerPath.substring(m.target().length()).replaceFirst("^/", ""))
            .normalize())
        .orElse(null);
  }

  private static List<String> dependsOn(Map<String, Object> s) {
    Object d = s.get("depends_on");
    if (d instanceof Map<?, ?> m) {
      return m.keySet().stream().map(String::valueOf).toList();
    }
    return d instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  static Map<String, String> mosquittoOptions(Path conf) throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (String line : Files.readAllLines(conf)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        String[] kv = l.split("\\s+", 2);
        options.put(kv[0], kv.length > 1 ? kv[1].strip() : "");
      }
    }
    return options;
  }

  static Map<String, String> readEnvFile(Path file) throws IOException {
    assertThat(file).as(".env.example with a (fake) value for every secret compose.yaml asks for").isRegularFile();
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
        String value = l.substring(l.indexOf('=') + 1).strip();
        // a value in single quotes is taken literally by compose (a bcrypt hash holds '$')
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
          value = value.substring(1, value.length() - 1);
        }
        env.put(l.substring(0, l.indexOf('=')).strip(), value);
      }
    }
    return env;
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  private static List<String> hosts(String bootstrapServers) {
    return java.util.Arrays.stream(bootstrapServers.split(",")).map(String::strip)
        .map(h -> h.substring(0, h.lastIndexOf(':'))).toList();
  }

  private static String jdbcHost(String jdbcUrl) {
    return URI.create(jdbcUrl.substring("jdbc:".length())).getHost();
  }

  private static boolean validPort(String text) {
    try {
      int port = Integer.parseInt(text);
      return port >= 1 && port <= 65_535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static Map<String, Object> yaml(Path file) {
    try (Reader in = Files.newBufferedReader(file)) {
      Object doc = new Yaml().load(in);
      return map(doc, file.toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map<?, ?>)) {
      fail("%s should be a mapping, is %s", what, value);
    }
    return (Map<String, Object>) value;
  }

  static List<Object> list(Object value, String what) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?>)) {
      fail("%s should be a list, is %s", what, value);
    }
    return new ArrayList<>((List<?>) value);
  }

  static Path root() {
    return root;
  }
}
