package io.testline.brokers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data folder, held by the process that runs servers on it: a second process is refused
 * instead of sharing the folder, and a server process found running on a folder whose lock is free is an orphan of
 * a process that died. The lock is the operating system's ({@code fcntl}), so it ends with the process that held it,
 * kill -9 included; the file holds that process's pid for the message.
 */
public final class DataDirLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock {@code file} (created if missing).
     *
     * @param what the folder's user, for the message, e.g. {@code "testline standalone"}
     * @throws ServerUnavailableException if another process holds it
     */
    public static DataDirLock acquire(Path file, String what) {
        FileChannel channel = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new ServerUnavailableException(what + ": " + file.getParent() + " is in use by another process"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; stop it or choose another folder");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return new DataDirLock(file, channel, lock);
        } catch (java.nio.channels.OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new ServerUnavailableException(what + ": " + file.getParent() + " is in use by this process already");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new java.io.UncheckedIOException("cannot lock " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held any more
        }
    }
}
