package io.testline.brokers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who listens on a TCP port, read from Linux's {@code /proc}: the listening sockets of {@code /proc/net/tcp} and
 * {@code tcp6} (their inodes and owners' uids), matched against the {@code socket:[inode]} links in
 * {@code /proc/<pid>/fd}. Only sockets a local client of {@code 127.0.0.1} or {@code localhost} could reach count:
 * loopback and wildcard addresses. Where there is no {@code /proc}, {@link #supported()} is false and nothing
 * can be told about owners.
 */
final class Listeners {

    private static final Path PROC = Path.of("/proc");
    private static final String LISTEN = "0A";
    private static final String V6_ANY = "0".repeat(32);
    private static final String V6_LOOPBACK = "0".repeat(24) + "01000000";
    private static final String V4_MAPPED = "0".repeat(16) + "FFFF0000";

    /** A listening socket: its inode and the uid of its owner. */
    record Socket(long inode, int uid) {
    }

    private Listeners() {
    }

    static boolean supported() {
        return Files.isReadable(PROC.resolve("net/tcp"));
    }

    /** The sockets listening on {@code port} at a loopback or wildcard address, IPv4 and IPv6. */
    static List<Socket> on(int port) {
        List<Socket> sockets = new java.util.ArrayList<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            Path file = PROC.resolve(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(file, StandardCharsets.US_ASCII)) {
                lines.skip(1).map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f.length > 9 && LISTEN.equals(f[3]))
                        .filter(f -> portOf(f[1]) == port && reachableLocally(addressOf(f[1])))
                        .forEach(f -> sockets.add(new Socket(Long.parseLong(f[9]), Integer.parseInt(f[7]))));
            } catch (IOException | RuntimeException e) {
                // a table that cannot be read tells nothing; the bind test in PortGuard still runs
            }
        }
        return sockets;
    }

    /** True when process {@code pid} holds one of the sockets listening on {@code port}. */
    static boolean owns(long pid, int port) {
        Set<Long> inodes = inodes(on(port));
        return !inodes.isEmpty() && holds(pid, inodes);
    }

    /** The process holding one of {@code sockets}, if one can be seen (another user's fds are not readable). */
    static Optional<Long> holder(List<Socket> sockets) {
        Set<Long> inodes = inodes(sockets);
        if (inodes.isEmpty()) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (holds(pid, inodes)) {
                    return Optional.of(pid);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The command line of {@code pid}, arguments separated by spaces; empty when it cannot be read. */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(pid + "/cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The user name of {@code uid} from {@code /etc/passwd}, or the number. */
    static String userName(int uid) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
            return lines.map(l -> l.split(":")).filter(f -> f.length > 2 && f[2].equals(String.valueOf(uid)))
                    .map(f -> f[0]).findFirst().orElse("uid " + uid);
        } catch (IOException | RuntimeException e) {
            return "uid " + uid;
        }
    }

    private static boolean holds(long pid, Set<Long> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : fds) {
                String target = readLink(fd);
                if (target.startsWith("socket:[") && inodes.contains(Long.parseLong(
                        target.substring(8, target.length() - 1)))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static Set<Long> inodes(List<Socket> sockets) {
        Set<Long> inodes = new HashSet<>();
        // inode 0: a socket in the middle of closing, owned by nobody
        sockets.stream().map(Socket::inode).filter(i -> i != 0).forEach(inodes::add);
        return inodes;
    }

    private static int portOf(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1), 16);
    }

    private static String addressOf(String hostPort) {
        return hostPort.substring(0, hostPort.indexOf(':')).toUpperCase(java.util.Locale.ROOT);
    }

    /** Loopback or wildcard; the kernel prints each 32-bit word of the address in host (little-endian) order. */
    static boolean reachableLocally(String hex) {
        if (hex.length() == 8) {
            return isLoopbackOrAnyV4(hex);
        }
        return hex.equals(V6_ANY) || hex.equals(V6_LOOPBACK)
                || (hex.startsWith(V4_MAPPED) && isLoopbackOrAnyV4(hex.substring(24)));
    }

    private static boolean isLoopbackOrAnyV4(String word) {
        long value = Long.parseLong(word, 16);
        return value == 0 || (value & 0xFF) == 127;
    }

    private static boolean isNumber(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
