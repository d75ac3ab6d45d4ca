package io.testline.brokers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JVM shutdown hook of a process that runs servers of this module; JVM hooks run concurrently, so two hooks
 * could not keep an order.
 *
 * <p>At JVM exit it first closes the <em>owners</em> registered with {@link #closeAtExit} (an application such as
 * standalone, which stops its services before the servers they use), the newest first, one after the other. Only
 * then does it close, newest first, any server that runs as a child process and is still open: a safety net, so a
 * test run that forgets to close one (or is interrupted) leaves no mosquitto or postgres behind.
 */
public final class ShutdownHooks {

    private static final Logger log = LoggerFactory.getLogger(ShutdownHooks.class);
    private static final Set<AutoCloseable> owners = new LinkedHashSet<>();
    private static final Set<AutoCloseable> servers = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private ShutdownHooks() {
    }

    /**
     * Closes {@code owner} at JVM exit before any server of this module; owners close the newest first. An owner that
     * closes normally calls {@link #forget} (closing twice must be harmless anyway).
     */
    public static synchronized void closeAtExit(AutoCloseable owner) {
        install();
        owners.add(owner);
    }

    /** Removes an owner registered with {@link #closeAtExit}; a no-op during the JVM's shutdown. */
    public static synchronized void forget(AutoCloseable owner) {
        owners.remove(owner);
    }

    static synchronized void register(AutoCloseable server) {
        install();
        servers.add(server);
    }

    static synchronized void unregister(AutoCloseable server) {
        servers.remove(server);
    }

    private static void install() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHooks::closeAll, "testline-shutdown"));
            hookInstalled = true;
        }
    }

    private static void closeAll() {
        closeNewestFirst(drain(owners));
        closeNewestFirst(drain(servers));
    }

    private static List<AutoCloseable> drain(Set<AutoCloseable> set) {
        synchronized (ShutdownHooks.class) {
            List<AutoCloseable> list = new ArrayList<>(set);
            set.clear();
            Collections.reverse(list);
            return list;
        }
    }

    private static void closeNewestFirst(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("could not close {} at JVM exit", closeable, e);
            }
        }
    }
}
