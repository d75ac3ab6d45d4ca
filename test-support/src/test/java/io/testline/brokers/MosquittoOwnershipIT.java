package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.testline.brokers.junit.RequiredTools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mosquitto we start is ours or nothing: a port held by a foreign broker is refused, naming it; an orphan of an
 * earlier JVM on the same folder is stopped by its pid file; a process a stale pid file names is never touched.
 * Every test runs mosquitto itself (a foreign one, an orphan), so the class needs it installed.
 */
@RequiredTools.Needs({"mosquitto"})
class MosquittoOwnershipIT {

    @TempDir
    Path tmp;

    private Path binary;

    @BeforeEach
    void needsMosquitto() {
        binary = RequiredTools.require("mosquitto");
    }

    @Test
    void start_refuses_a_port_held_by_a_foreign_mosquitto_and_names_it() throws Exception {
        int port = Ports.freePort();
        Process foreign = new ProcessBuilder(binary.toString(), "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("foreign.out").toFile()).start();
        try (MosquittoBroker ours = MosquittoBroker.builder().binary(binary).port(port).build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Ports.accepts(Ports.LOOPBACK, port));

            assertThatThrownBy(ours::start).isInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("port " + port).hasMessageContaining("pid " + foreign.pid());
            assertThat(ours.isRunning()).isFalse();
            assertThat(foreign.isAlive()).as("the foreign broker is left alone").isTrue();
        } finally {
            foreign.destroy();
            foreign.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void start_stops_the_orphan_its_pid_file_names_on_the_same_folder() throws Exception {
        Path dir = tmp.resolve("mosquitto");
        try (MosquittoBroker broker = MosquittoBroker.builder().binary(binary).workDir(dir).build()) {
            // what a JVM killed with its watcher leaves: our mosquitto on our folder, and its pid file
            Process orphan = new ProcessBuilder(binary.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("orphan.out").toFile()).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> Listeners.owns(orphan.pid(), broker.port()));
            Files.writeString(broker.pidFile(), orphan.pid() + "\n");

            broker.start();

            assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).as("the orphan stopped").isTrue();
            long pid = broker.pid().orElseThrow();
            assertThat(pid).isNotEqualTo(orphan.pid());
            assertThat(Listeners.owns(pid, broker.port())).isTrue();
            assertThat(Files.readString(broker.pidFile()).trim()).isEqualTo(String.valueOf(pid));
        }
    }

    @Test
    void a_stale_pid_file_naming_another_process_leaves_that_process_alone() throws Exception {
        Path dir = tmp.resolve("mosquitto");
        Process other = new ProcessBuilder("sleep", "60").start();
        try (MosquittoBroker broker = MosquittoBroker.builder().binary(binary).workDir(dir).build()) {
            Files.writeString(broker.pidFile(), other.pid() + "\n");

            broker.start();

            assertThat(other.isAlive()).isTrue();
            assertThat(Listeners.owns(broker.pid().orElseThrow(), broker.port())).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }
}
