package io.testline.brokers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Measures start time and memory of each embedded server: heap used after GC before and after a start (in-JVM
 * servers), or the child process's resident set (mosquitto). Run with the test classpath:
 * {@code java -cp target/classes:target/test-classes:<deps> io.testline.brokers.BrokerStartupBench [rounds]}.
 */
public final class BrokerStartupBench {

    private BrokerStartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        for (int i = 1; i <= rounds; i++) {
            measure("mosquitto", i, () -> MosquittoBroker.builder().build());
        }
        for (int i = 1; i <= rounds; i++) {
            measure("postgres", i, () -> EmbeddedPostgresServer.builder().build());
        }
        for (int i = 1; i <= rounds; i++) {
            measure("kafka", i, () -> EmbeddedKafkaBroker.builder().build());
        }
        for (int i = 1; i <= rounds; i++) {
            measure("hivemq", i, HiveMqEmbeddedBroker::new);
        }
        System.exit(0);
    }

    private static void measure(String name, int round, Supplier<? extends AutoCloseable> factory) throws Exception {
        long heapBefore = heapAfterGc();
        AutoCloseable server = factory.get();
        long started = System.nanoTime();
        if (server instanceof KafkaBroker kafka) {
            kafka.start();
        } else if (server instanceof MqttBroker mqtt) {
            mqtt.start();
        } else if (server instanceof PostgresServer postgres) {
            postgres.start();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long heapDelta = heapAfterGc() - heapBefore;
        String rss = server instanceof MosquittoBroker mosquitto
                ? ", process RSS " + mosquitto.pid().map(BrokerStartupBench::rssKb).orElse("?")
                : "";
        System.out.printf("%-9s round %d: start %5d ms, heap delta %6.1f MiB%s%n", name, round, millis,
                heapDelta / 1048576.0, rss);
        server.close();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String rssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> line.substring("VmRSS:".length()).trim())
                    .findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
