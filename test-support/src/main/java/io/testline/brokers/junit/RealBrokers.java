package io.testline.brokers.junit;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.Supplier;

import io.testline.brokers.Brokers;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.PostgresServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension giving tests real servers: declare a constructor or method parameter of type
 * {@link KafkaBroker}, {@link MqttBroker}, {@link PostgresServer} or {@link Database}.
 *
 * <pre>{@code
 * @ExtendWith(RealBrokers.class)
 * class BridgeIT {
 *     @Test
 *     void forwards_events(KafkaBroker kafka, MqttBroker mqtt, Database db) { ... }
 * }
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>each server starts lazily, when a test first asks for it, and once per test JVM: it lives in the root
 *       context's store and is closed when the whole run ends; {@link Brokers#fromEnvironment()} picks the
 *       implementation;</li>
 *   <li>a {@link Database} parameter is a fresh, empty database created for that test on the shared server;</li>
 *   <li>a server that an earlier (fault) test left stopped is started again before it is handed out, so one
 *       test's fault never poisons the next;</li>
 *   <li>a test that needs a program the build cannot bring (mosquitto itself, faketime) asks
 *       {@link RequiredTools}, which skips it where the program is missing unless CI requires it;</li>
 *   <li>tests must not close the servers they receive; topics and databases should be fresh per test
 *       ({@link KafkaBroker#newTopic}, {@link PostgresServer#newDatabase}).</li>
 * </ul>
 */
public final class RealBrokers implements ParameterResolver {

    private static final Logger log = LoggerFactory.getLogger(RealBrokers.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealBrokers.class);
    private static final int MAX_PREFIX = 40;

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KafkaBroker.class || type == MqttBroker.class || type == PostgresServer.class
                || type == Database.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        ExtensionContext.Store store = extensionContext.getRoot().getStore(NAMESPACE);
        try {
            if (type == KafkaBroker.class) {
                KafkaBroker kafka = shared(store, KafkaBroker.class, () -> Brokers.fromEnvironment().kafka());
                return running(kafka, kafka.isRunning(), kafka::start);
            }
            if (type == MqttBroker.class) {
                MqttBroker mqtt = shared(store, MqttBroker.class, () -> Brokers.fromEnvironment().mqtt());
                return running(mqtt, mqtt.isRunning(), mqtt::start);
            }
            PostgresServer postgres = shared(store, PostgresServer.class, () -> Brokers.fromEnvironment().postgres());
            running(postgres, postgres.isRunning(), postgres::start);
            if (type == PostgresServer.class) {
                return postgres;
            }
            return postgres.newDatabase(databasePrefix(extensionContext));
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("could not provide a " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The one server of {@code type} in this JVM, started on first use and closed by JUnit at the end. */
    private static <T extends AutoCloseable> T shared(ExtensionContext.Store store, Class<T> type, Supplier<T> start) {
        return store.getOrComputeIfAbsent(type, key -> {
            long started = System.nanoTime();
            T server = start.get();
            log.info("{} ready for tests in {} ms: {}", type.getSimpleName(),
                    (System.nanoTime() - started) / 1_000_000, server);
            return server;
        }, type);
    }

    private static <T> T running(T server, boolean running, Runnable start) {
        if (!running) {
            log.info("restarting {} left stopped by an earlier test", server);
            start.run();
        }
        return server;
    }

    /** Names databases after the test, so a leftover one in a shared server tells where it came from. */
    private static String databasePrefix(ExtensionContext context) {
        String name = context.getTestMethod().map(Method::getName)
                .orElseGet(() -> context.getRequiredTestClass().getSimpleName());
        String prefix = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!Character.isLetter(prefix.charAt(0)) && prefix.charAt(0) != '_') {
            prefix = "t_" + prefix;
        }
        return prefix.length() > MAX_PREFIX ? prefix.substring(0, MAX_PREFIX) : prefix;
    }
}
