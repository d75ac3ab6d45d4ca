package io.testline.web.live;

import io.javalin.http.sse.SseClient;
import io.testline.web.store.LineQueries;
import io.testline.web.view.Fmt;
import io.testline.web.view.Renderer;
import io.testline.web.view.ShiftStats;
import io.testline.web.view.Tile;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The line page's live part: the browsers connected to {@code /events/line} (htmx's SSE extension) and what they are
 * sent. Every message is one event, {@code update}, whose HTML holds out-of-band swaps by element id: the changed
 * stations' tiles (each rendered once for all browsers), the header, or the whole wall (on connect, on resync and
 * when a station appears that a browser has not shown yet). One listener that is never replaced receives them all,
 * so no update can arrive while a swap has just replaced the element listening for it. Holds no line data between updates: everything sent is read from the database at that moment.
 * Each browser has its own outbox, written by a small pool of sender threads, so a browser that stops reading (a
 * sleeping laptop) never holds up the feed or the others; one {@link #MAX_QUEUED} events behind is dropped and
 * gets the whole wall when it reconnects.
 */
public final class LineStream implements StationFeed.Listener {
  private static final Logger log = LoggerFactory.getLogger(LineStream.class);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /** The header counts a whole shift's runs: recounted at most this often however busy the line, and once after. */
  private static final Duration SHIFT_EVERY = Duration.ofSeconds(1);
  /** A browser this many events behind is dropped; it reconnects and gets the whole wall, as after any outage. */
  static final int MAX_QUEUED = 256;
  private static final int SENDERS = 4;
  /** The one SSE event the line page listens to. */
  static final String UPDATE = "update";

  /**
   * One browser, the stations its wall shows, and when (System.nanoTime) the data of the wall it was last sent were
   * read: an update read before that is older than what the browser shows and is not sent to it.
   */
  private static final class Client {
    final SseClient sse;
    final Set<String> shown = ConcurrentHashMap.newKeySet();
    volatile long wallReadAt = Long.MIN_VALUE;
    /** Events not yet written to this browser, oldest first: {event, data}, event null for a comment. */
    final ArrayDeque<String[]> outbox = new ArrayDeque<>();
    boolean draining;
    boolean dropped;

    Client(SseClient sse) {
      this.sse = sse;
    }
  }

  private final LineQueries queries;
  private final Renderer renderer;
  private final Fmt fmt;
  private final List<LocalTime> shiftStarts;
  private final Clock clock;
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  /** Writes to the browsers, so one that stopped reading never holds up the feed or the others. */
  private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS, r -> {
    Thread t = new Thread(r, "testline-web-sse");
    t.setDaemon(true);
    return t;
  });
  private long lastKeepAlive = System.nanoTime();
  // owned by the feed's thread (changed, resync, tick)
  private boolean shiftDirty;
  private long lastShiftSent = System.nanoTime() - SHIFT_EVERY.toNanos();

  public LineStream(LineQueries queries, Renderer renderer, Fmt fmt, List<LocalTime> shiftStarts, Clock clock) {
    this.queries = queries;
    this.renderer = renderer;
    this.fmt = fmt;
    this.shiftStarts = shiftStarts;
    this.clock = clock;
  }

  /** The current shift's counts. */
  public ShiftStats shift() throws SQLException {
    return queries.shift(Shifts.currentStart(clock.instant(), fmt.zone(), shiftStarts));
  }

  /** A browser connected: it gets the wall and header as they are now (it may have missed changes), then updates. */
  public void connect(SseClient sse) throws SQLException {
    sse.keepAlive();
    Client client = new Client(sse);
    sse.onClose(() -> clients.remove(client));
    // registered before the wall is read, so no change after the read is missed; one lock per browser keeps its
    // events in the order their data were read
    clients.add(client);
    synchronized (client) {
      client.wallReadAt = System.nanoTime();
      List<Tile> tiles = queries.tiles();
      String wall = wallHtml(tiles);
      String header = shiftHtml(shift());
      client.shown.addAll(ids(tiles));
      send(client, wall + header);
    }
  }

  @Override
  public void changed(Set<String> stationIds) {
    if (clients.isEmpty()) {
      return;
    }
    try {
      long readAt = System.nanoTime();
      List<Tile> tiles = queries.tiles(stationIds);
      Map<String, String> html = tiles.stream().collect(Collectors.toMap(Tile::stationId, this::tileHtml));
      String changedTiles = String.join("", html.values());
      String wall = null;
      for (Client client : clients) {
        synchronized (client) {
          if (client.wallReadAt - readAt > 0) {
            continue;
          }
          if (!client.shown.containsAll(html.keySet())) {
            if (wall == null) {
              wall = wallHtml(queries.tiles());
            }
            send(client, wall);
            client.shown.addAll(html.keySet());
          } else {
            send(client, changedTiles);
          }
        }
      }
      shiftDirty = true;
      sendShiftIfDue();
    } catch (SQLException e) {
      log.warn("web: could not read the changed stations {}: {}", stationIds, e.toString(), e);
    }
  }

  private void sendShiftIfDue() throws SQLException {
    long now = System.nanoTime();
    if (!shiftDirty || clients.isEmpty() || now - lastShiftSent < SHIFT_EVERY.toNanos()) {
      return;
    }
    shiftDirty = false;
    lastShiftSent = now;
    String header = shiftHtml(shift());
    for (Client client : clients) {
      synchronized (client) {
        if (client.wallReadAt - now <= 0) {
          send(client, header);
        }
      }
    }
  }

  @Override
  public void resync() {
    if (clients.isEmpty()) {
      return;
    }
    try {
      long readAt = System.nanoTime();
      List<Tile> tiles = queries.tiles();
      String wall = wallHtml(tiles);
      String header = shiftHtml(shift());
      for (Client client : clients) {
        synchronized (client) {
          if (client.wallReadAt - readAt > 0) {
            continue;
          }
          client.wallReadAt = readAt;
          send(client, wall + header);
          client.shown.addAll(ids(tiles));
        }
      }
    } catch (SQLException e) {
      log.warn("web: could not read the line to resynchronise: {}", e.toString(), e);
    }
  }

  /** Keeps idle connections open through proxies and notices browsers that went away. */
  @Override
  public void tick() {
    try {
      sendShiftIfDue();
    } catch (SQLException e) {
      log.warn("web: could not count the shift: {}", e.toString(), e);
    }
    if (System.nanoTime() - lastKeepAlive < KEEP_ALIVE.toNanos()) {
      return;
    }
    lastKeepAlive = System.nanoTime();
    for (Client client : clients) {
      enqueue(client, null, "keep-alive");
    }
  }

  /** Closes every browser's stream (they reconnect to another instance, or when this one is back). */
  public void closeAll() {
    for (Client client : clients) {
      drop(client, null);
    }
    senders.shutdown();
  }

  /** Queues an update for the browser. */
  private void send(Client client, String html) {
    enqueue(client, UPDATE, html);
  }

  /** Queues an event (a comment when {@code event} is null) for the browser; its sender writes it. */
  private void enqueue(Client client, String event, String data) {
    synchronized (client) {
      if (client.dropped) {
        return;
      }
      if (client.sse.terminated()) {
        drop(client, null);
        return;
      }
      if (client.outbox.size() >= MAX_QUEUED) {
        drop(client, "web: a browser fell " + MAX_QUEUED + " events behind; closing its line stream (it will "
            + "reconnect and get the whole wall)");
        return;
      }
      client.outbox.add(new String[] {event, data});
      if (!client.draining) {
        client.draining = true;
        senders.execute(() -> drain(client));
      }
    }
  }

  private void drain(Client client) {
    while (true) {
      String[] next;
      synchronized (client) {
        next = client.outbox.poll();
        if (next == null || client.dropped) {
          client.draining = false;
          return;
        }
      }
      try {
        if (next[0] == null) {
          client.sse.sendComment(next[1]);
        } else {
          client.sse.sendEvent(next[0], next[1]);
        }
      } catch (RuntimeException e) {
        log.debug("web: writing to a browser failed, closing its stream", e);
        drop(client, null);
        return;
      }
    }
  }

  private void drop(Client client, String why) {
    clients.remove(client);
    synchronized (client) {
      if (client.dropped) {
        return;
      }
      client.dropped = true;
      client.outbox.clear();
    }
    if (why != null) {
      log.info(why);
    }
    try {
      client.sse.close();
    } catch (RuntimeException e) {
      log.debug("web: closing a browser's stream failed", e);
    }
  }

  /** The whole wall, as an out-of-band swap of {@code #wall}'s content. */
  String wallHtml(List<Tile> tiles) {
    return oob("wall", renderer.render("tags/wall.jte", Map.of("f", fmt, "tiles", tiles)));
  }

  /** One tile, as an out-of-band swap of its slot's content. */
  String tileHtml(Tile tile) {
    return oob(tile.slotId(), renderer.render("tags/tile.jte", Map.of("f", fmt, "t", tile)));
  }

  /** The header, as an out-of-band swap of {@code #shift}'s content. */
  String shiftHtml(ShiftStats stats) {
    return oob("shift", renderer.render("tags/shift.jte", Map.of("f", fmt, "s", stats)));
  }

  /** {@code id} holds only [A-Za-z0-9_-] ({@link Tile#slotId()}, or a constant); {@code html} is escaped already. */
  private static String oob(String id, String html) {
    return "<div id=\"" + id + "\" hx-swap-oob=\"innerHTML\">" + html + "</div>";
  }

  private static Set<String> ids(List<Tile> tiles) {
    return tiles.stream().map(Tile::stationId).collect(Collectors.toSet());
  }
}
