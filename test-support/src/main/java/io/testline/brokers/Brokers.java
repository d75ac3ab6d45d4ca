package io.testline.brokers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Chooses and starts the servers for tests and standalone mode.
 *
 * <p>The choice comes from the system property {@value #PROPERTY} or else the environment variable {@value #ENV}:
 * <ul>
 *   <li>{@code auto} (default): containers when a Docker engine answers within {@link #DOCKER_CHECK_TIMEOUT},
 *       otherwise embedded servers;</li>
 *   <li>{@code embedded}: Kafka in this JVM, mosquitto as a child process (HiveMQ CE in this JVM when no mosquitto
 *       is installed), PostgreSQL from zonky's binaries;</li>
 *   <li>{@code containers}: Testcontainers; fails when no Docker engine answers.</li>
 * </ul>
 * Independently of the mode, {@code TESTLINE_PG_URL} (see {@link ExternalPostgresServer}) selects an existing
 * PostgreSQL server.
 *
 * <p>Every server returned is started; the caller owns it and closes it.
 */
public final class Brokers {

    public static final String PROPERTY = "testline.brokers";
    public static final String ENV = "TESTLINE_BROKERS";
    public static final Duration DOCKER_CHECK_TIMEOUT = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(Brokers.class);
    private static volatile Boolean dockerAvailable;

    /** How servers are run. */
    public enum Mode {
        AUTO, EMBEDDED, CONTAINERS;

        /** Parses {@code auto}, {@code embedded} or {@code containers}, ignoring case; blank means AUTO. */
        public static Mode parse(String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + ": \"" + value
                        + "\" is not one of auto, embedded, containers", e);
            }
        }
    }

    /** Which MQTT broker {@link #mqtt()} runs. */
    public enum MqttKind { MOSQUITTO, HIVEMQ_EMBEDDED, CONTAINER }

    /** Which PostgreSQL {@link #postgres()} uses. */
    public enum PostgresKind { EXTERNAL, EMBEDDED, CONTAINER }

    private final Mode mode;
    private final Function<String, String> env;
    private final BooleanSupplier docker;
    private final Supplier<Optional<Path>> mosquittoLookup;

    Brokers(Mode mode, Function<String, String> env, BooleanSupplier docker, Supplier<Optional<Path>> mosquittoLookup) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.env = Objects.requireNonNull(env, "env");
        this.docker = Objects.requireNonNull(docker, "docker");
        this.mosquittoLookup = Objects.requireNonNull(mosquittoLookup, "mosquittoLookup");
    }

    /** The choice made by {@value #PROPERTY} / {@value #ENV} and this machine. */
    public static Brokers fromEnvironment() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        return new Brokers(Mode.parse(configured), System::getenv, Brokers::dockerAvailable,
                MosquittoBroker::findBinary);
    }

    public Mode mode() {
        return mode;
    }

    /** True when servers run in containers. */
    public boolean useContainers() {
        return switch (mode) {
            case EMBEDDED -> false;
            case AUTO -> docker.getAsBoolean();
            case CONTAINERS -> {
                if (!docker.getAsBoolean()) {
                    throw new IllegalStateException(PROPERTY + "=containers but no Docker engine answers; "
                            + "start Docker or use " + PROPERTY + "=embedded");
                }
                yield true;
            }
        };
    }

    public MqttKind mqttKind() {
        if (useContainers()) {
            return MqttKind.CONTAINER;
        }
        return mosquittoLookup.get().isPresent() ? MqttKind.MOSQUITTO : MqttKind.HIVEMQ_EMBEDDED;
    }

    public PostgresKind postgresKind() {
        String url = env.apply(ExternalPostgresServer.URL_ENV);
        if (url != null && !url.isBlank()) {
            return PostgresKind.EXTERNAL;
        }
        return useContainers() ? PostgresKind.CONTAINER : PostgresKind.EMBEDDED;
    }

    /** A started Kafka broker. */
    public KafkaBroker kafka() {
        KafkaBroker broker = useContainers() ? new ContainerKafkaBroker() : EmbeddedKafkaBroker.builder().build();
        return started(broker, broker::start, broker::close);
    }

    /** A started MQTT broker: mosquitto when available, else HiveMQ CE embedded. */
    public MqttBroker mqtt() {
        MqttBroker broker = switch (mqttKind()) {
            case CONTAINER -> new ContainerMqttBroker();
            case MOSQUITTO -> MosquittoBroker.builder().binary(mosquittoLookup.get().orElseThrow()).build();
            case HIVEMQ_EMBEDDED -> {
                log.warn("mosquitto is not installed; using HiveMQ CE embedded, which differs on shared "
                        + "subscriptions (apt-get install mosquitto for the reference broker)");
                yield new HiveMqEmbeddedBroker();
            }
        };
        return started(broker, broker::start, broker::close);
    }

    /** A started PostgreSQL server: the external one if {@code TESTLINE_PG_URL} is set. */
    public PostgresServer postgres() {
        PostgresServer server = switch (postgresKind()) {
            case EXTERNAL -> ExternalPostgresServer.fromEnvironment(env).orElseThrow();
            case CONTAINER -> new ContainerPostgresServer();
            case EMBEDDED -> EmbeddedPostgresServer.builder().build();
        };
        if (server instanceof ExternalPostgresServer) {
            return server;
        }
        return started(server, server::start, server::close);
    }

    /**
     * Whether a Docker engine answers, checked once per JVM. Without a hint of Docker (no {@code DOCKER_HOST}, no
     * socket, no Testcontainers configuration) the answer is "no" at once, because Testcontainers' own probing of
     * every strategy costs seconds; with a hint, Testcontainers gets {@link #DOCKER_CHECK_TIMEOUT} to answer.
     */
    public static boolean dockerAvailable() {
        Boolean known = dockerAvailable;
        if (known == null) {
            synchronized (Brokers.class) {
                known = dockerAvailable;
                if (known == null) {
                    long started = System.nanoTime();
                    known = hasDockerHint(System::getenv, Path.of(System.getProperty("user.home", "/")))
                            && askTestcontainers();
                    dockerAvailable = known;
                    log.info("Docker engine {} (checked in {} ms)", known ? "available" : "not available",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
            }
        }
        return known;
    }

    static boolean hasDockerHint(Function<String, String> env, Path home) {
        if (env.apply("DOCKER_HOST") != null) {
            return true;
        }
        String runtimeDir = env.apply("XDG_RUNTIME_DIR");
        return Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(home.resolve(".docker/run/docker.sock"))
                || Files.exists(home.resolve(".testcontainers.properties"))
                || (runtimeDir != null && Files.exists(Path.of(runtimeDir, "docker.sock")));
    }

    private static boolean askTestcontainers() {
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(
                () -> DockerClientFactory.instance().isDockerAvailable());
        try {
            return answer.get(DOCKER_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.info("Docker engine did not answer within {}; using embedded servers", DOCKER_CHECK_TIMEOUT);
            return false;
        } catch (ExecutionException e) {
            log.info("Docker engine check failed; using embedded servers", e.getCause());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static <T> T started(T server, Runnable start, Runnable close) {
        try {
            start.run();
            return server;
        } catch (RuntimeException | Error e) {
            // a failed start (even a NoSuchMethodError from a dependency clash) must not leave temp dirs behind
            close.run();
            throw e;
        }
    }
}
