package io.testline.brokers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL 17 in a Docker container, used when a Docker engine is available. The port is bound to a fixed host
 * port so {@link #stop()}/{@link #start()} (docker stop/start, data kept in the container) keep URLs valid.
 */
public final class ContainerPostgresServer extends AbstractPostgresServer {

    public static final DockerImageName IMAGE = DockerImageName.parse("postgres:17");
    private static final Logger log = LoggerFactory.getLogger(ContainerPostgresServer.class);

    private final PostgreSQLContainer container;
    private final int hostPort;
    private boolean created;
    private boolean closed;

    public ContainerPostgresServer() {
        this.hostPort = Ports.freePort();
        this.container = new PostgreSQLContainer(IMAGE);
        ContainerSupport.bindFixedPort(container, PostgreSQLContainer.POSTGRESQL_PORT, hostPort);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    String maintenanceDatabase() {
        return container.getDatabaseName();
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("PostgreSQL container is closed");
        }
        if (!created) {
            long started = System.nanoTime();
            container.start();
            created = true;
            log.info("PostgreSQL container {} started on {}:{} in {} ms", IMAGE, host(), hostPort,
                    (System.nanoTime() - started) / 1_000_000);
        } else if (!isRunning()) {
            ContainerSupport.start(container, hostPort);
        }
    }

    @Override
    public synchronized void stop() {
        if (created && isRunning()) {
            ContainerSupport.stop(container);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return created && !closed && ContainerSupport.isRunning(container);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        container.stop();
    }
}
