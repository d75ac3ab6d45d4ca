package io.testline.brokers;

import java.time.Duration;
import java.util.List;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports.Binding;
import org.testcontainers.containers.GenericContainer;

/**
 * Stop and start of a running container with the Docker client, for the container-based servers.
 *
 * <p>Testcontainers maps a container port to a random host port on every start, which would change the address
 * after a restart. The servers therefore bind their port to a fixed host port chosen up front
 * ({@link #bindFixedPort}), so {@code docker stop} / {@code docker start} keeps clients' addresses valid.
 */
final class ContainerSupport {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private ContainerSupport() {
    }

    static void bindFixedPort(GenericContainer<?> container, int containerPort, int hostPort) {
        container.withExposedPorts(containerPort);
        container.withCreateContainerCmdModifier(cmd -> {
            HostConfig hostConfig = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
            cmd.withHostConfig(hostConfig.withPortBindings(List.of(
                    new PortBinding(Binding.bindPort(hostPort), new ExposedPort(containerPort)))));
        });
    }

    static void stop(GenericContainer<?> container) {
        container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
    }

    static void start(GenericContainer<?> container, int hostPort) {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        if (!Ports.awaitAccepting(container.getHost(), hostPort, START_TIMEOUT, () -> true)) {
            throw new IllegalStateException("container " + container.getDockerImageName() + " did not accept "
                    + "connections on port " + hostPort + " within " + START_TIMEOUT);
        }
    }

    static boolean isRunning(GenericContainer<?> container) {
        Boolean running = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec()
                .getState().getRunning();
        return Boolean.TRUE.equals(running);
    }
}
