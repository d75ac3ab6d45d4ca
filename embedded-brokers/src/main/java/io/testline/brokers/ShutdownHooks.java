package io.testline.brokers;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes servers that run as child processes when the JVM exits, so a test run that forgets to close one (or is
 * interrupted) leaves no mosquitto or postgres behind. One JVM hook for all servers, registered on first use.
 */
final class ShutdownHooks {

    private static final Logger log = LoggerFactory.getLogger(ShutdownHooks.class);
    private static final Set<AutoCloseable> open = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private ShutdownHooks() {
    }

    static synchronized void register(AutoCloseable server) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHooks::closeAll, "testline-brokers-shutdown"));
            hookInstalled = true;
        }
        open.add(server);
    }

    static synchronized void unregister(AutoCloseable server) {
        open.remove(server);
    }

    private static void closeAll() {
        List<AutoCloseable> servers;
        synchronized (ShutdownHooks.class) {
            servers = new ArrayList<>(open);
            open.clear();
        }
        for (AutoCloseable server : servers) {
            try {
                server.close();
            } catch (Exception e) {
                log.warn("could not close {} at JVM exit", server, e);
            }
        }
    }
}
