package io.testline.agent.capture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a process and everything it started: SIGTERM to the whole tree, then, after a grace period, SIGKILL to
 * whatever is left. Descendants are found with {@link ProcessHandle#descendants()}, collected before the root dies
 * (its children are re-parented afterwards and no longer found through it) and again at each step, so children
 * forked meanwhile are caught too. A process that detached itself (double fork, setsid) before the kill is out of
 * reach: Java offers no process groups; the kill reports what it stopped.
 */
public final class ProcessTree {
  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);

  private ProcessTree() {}

  /** Stops {@code root}'s tree; returns the pids it signalled. */
  public static List<Long> kill(ProcessHandle root, Duration grace) {
    return kill(List.of(root), grace);
  }

  /**
   * Stops the trees of all {@code roots} at once (one grace period for all): for a tree whose root may have died
   * already, e.g. after SIGABRT, whose processes were listed before.
   */
  public static List<Long> kill(Collection<ProcessHandle> roots, Duration grace) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    roots.forEach(root -> collect(root, tree));
    tree.forEach(ProcessHandle::destroy);
    if (!awaitExit(tree, grace)) {
      roots.forEach(root -> collect(root, tree));
      List<ProcessHandle> alive = tree.stream().filter(ProcessHandle::isAlive).toList();
      log.warn("process tree of {} still alive after {}: SIGKILL to {}", roots.stream().map(ProcessHandle::pid)
          .toList(), grace,
          alive.stream().map(ProcessHandle::pid).toList());
      alive.forEach(ProcessHandle::destroyForcibly);
      awaitExit(tree, Duration.ofSeconds(5));
    }
    // a child forked during the grace period is caught here
    Set<ProcessHandle> late = new LinkedHashSet<>();
    tree.forEach(p -> p.descendants().forEach(late::add));
    late.removeAll(tree);
    late.forEach(ProcessHandle::destroyForcibly);
    tree.addAll(late);
    return tree.stream().map(ProcessHandle::pid).collect(Collectors.toList());
  }

  private static void collect(ProcessHandle root, Set<ProcessHandle> into) {
    if (root.isAlive()) {
      into.add(root);
    }
    root.descendants().forEach(into::add);
  }

  private static boolean awaitExit(Set<ProcessHandle> processes, Duration timeout) {
    List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
    processes.forEach(p -> exits.add(p.onExit()));
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for process exit failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
