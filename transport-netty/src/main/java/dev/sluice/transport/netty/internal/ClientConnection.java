package dev.sluice.transport.netty.internal;

import dev.sluice.event.Status;
import dev.sluice.transport.netty.internal.Frame.ErrorFrame;
import dev.sluice.transport.netty.internal.Frame.GoAway;
import dev.sluice.transport.netty.internal.Frame.Ping;
import dev.sluice.transport.netty.internal.Frame.Pong;
import dev.sluice.transport.netty.internal.Frame.ResultFrame;
import dev.sluice.transport.netty.internal.Frame.Welcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled client connection: HELLO on connect, requests pipelined once WELCOME arrives,
 * results matched to requests by correlation id in any order. Requests from any thread are
 * queued and written in batches on the event loop; the in-flight map is touched only there.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

  enum State {
    CONNECTING, READY, DRAINING, CLOSED
  }

  private final ConnectionSlot slot;
  private final String address;
  private final Frame.Hello hello;
  private final IntObjectHashMap<PendingRequest> inFlight = new IntObjectHashMap<>();
  /**
   * Requests that arrived before WELCOME, guarded by {@link #handoff}; moved to {@link #queue}
   * once the handshake is done, and only then is {@link #released} set, so a request sent later
   * can never overtake one sent earlier (per-key order depends on it).
   */
  private final java.util.ArrayDeque<PendingRequest> pending = new java.util.ArrayDeque<>();
  private final Object handoff = new Object();
  private volatile boolean released;
  private volatile State state = State.CONNECTING;
  private volatile OutboundQueue<PendingRequest> queue;
  private volatile Channel channel;
  private int nextId;
  private String closeReason;

  ClientConnection(ConnectionSlot slot, String address, Frame.Hello hello) {
    this.slot = slot;
    this.address = address;
    this.hello = hello;
  }

  /** Binds the connection to its channel before it connects. */
  void attach(Channel ch) {
    this.channel = ch;
    this.queue = new OutboundQueue<>(ch, this::write);
  }

  State state() {
    return state;
  }

  /** Whether new requests may go here: connecting or ready, not draining or closed. */
  boolean acceptsRequests() {
    State s = state;
    return s == State.CONNECTING || s == State.READY;
  }

  /** Queues a request from any thread; it is written once the handshake completed. */
  void enqueue(PendingRequest p) {
    if (!released) {
      synchronized (handoff) {
        if (!released && acceptsRequests()) {
          pending.add(p);
          return;
        }
      }
      if (!released) {
        notWritten(p); // outside the lock: a resend enqueues on another connection
        return;
      }
    }
    queue.offer(p);
  }

  /**
   * A request this connection will not write: on a connection that said GOAWAY it moves to
   * another; on a closed one it fails.
   */
  private void notWritten(PendingRequest p) {
    if (state == State.DRAINING) {
      resend(p);
    } else {
      unavailable(p);
    }
  }

  /** Hands the requests that waited for WELCOME to the write queue, in the order they came. */
  private void releaseWaiting() {
    synchronized (handoff) {
      PendingRequest p;
      while ((p = pending.poll()) != null) {
        queue.offer(p);
      }
      released = true;
    }
  }

  private void failWaiting() {
    for (PendingRequest p : takeWaiting()) {
      unavailable(p);
    }
  }

  private List<PendingRequest> takeWaiting() {
    synchronized (handoff) {
      List<PendingRequest> waiting = new ArrayList<>(pending);
      pending.clear();
      return waiting;
    }
  }

  /**
   * Sends again, on the pool's next connection, a request this connection never wrote because
   * the server said GOAWAY first: the server has not seen it, so it cannot run twice. A request
   * is moved at most {@link PendingRequest#MAX_MOVES} times (servers that all say GOAWAY).
   */
  private void resend(PendingRequest p) {
    if (p.moves++ < PendingRequest.MAX_MOVES) {
      slot.submit(p);
    } else {
      unavailable(p);
    }
  }

  /** Writes a queued request; on the event loop. */
  private void write(PendingRequest p) {
    if (p.isDone()) {
      return;
    }
    if (state != State.READY) {
      notWritten(p);
      return;
    }
    int id = nextCorrelationId();
    p.correlationId = id;
    p.connection = this;
    inFlight.put(id, p);
    channel.write(EventMapping.toFrame(id, p.remainingMillis(), p.event), channel.voidPromise());
  }

  private int nextCorrelationId() {
    do {
      nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
    } while (inFlight.containsKey(nextId));
    return nextId;
  }

  /** Forgets a request that timed out; from any thread. */
  void forget(PendingRequest p) {
    channel.eventLoop().execute(() -> {
      if (p.correlationId != 0 && inFlight.get(p.correlationId) == p) {
        inFlight.remove(p.correlationId);
        maybeCloseDrained();
      }
    });
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(hello, ctx.voidPromise());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ResultFrame r) {
      PendingRequest p = inFlight.remove(r.correlationId());
      if (p != null) {
        p.complete(EventMapping.toResult(r));
      }
      maybeCloseDrained();
    } else if (msg instanceof Welcome w) {
      welcome(ctx, w);
    } else if (msg instanceof Ping p) {
      ctx.writeAndFlush(new Pong(p.payload()), ctx.voidPromise());
    } else if (msg instanceof Pong) {
      // the server is alive; reading this reset the idle timer
    } else if (msg instanceof GoAway g) {
      LOG.debug("{} sent GOAWAY: {}", address, g.message());
      state = State.DRAINING;
      closeReason = "the server sent GOAWAY: " + g.message();
      slot.retired(this);
      for (PendingRequest p : takeWaiting()) {
        resend(p);
      }
      maybeCloseDrained();
    } else if (msg instanceof ErrorFrame e) {
      error(ctx, e);
    } else {
      closeReason = "the server sent an unexpected " + msg.getClass().getSimpleName();
      ctx.close();
    }
  }

  private void welcome(ChannelHandlerContext ctx, Welcome w) {
    if (state != State.CONNECTING) {
      closeReason = "the server sent a second WELCOME";
      ctx.close();
      return;
    }
    long serverIdle = w.idleTimeoutMillis();
    long heartbeat = Math.min(slot.heartbeatMillis(), Math.max(1, serverIdle / 3));
    ctx.pipeline().replace("idle", "idle", new IdleStateHandler(Math.max(serverIdle,
        slot.heartbeatMillis() * 3), heartbeat, 0, TimeUnit.MILLISECONDS));
    state = State.READY;
    slot.ready(this);
    releaseWaiting();
  }

  private void error(ChannelHandlerContext ctx, ErrorFrame e) {
    closeReason = "the server refused the connection: " + e.code() + " " + e.message();
    PendingRequest p = e.correlationId() == 0 ? null : inFlight.remove(e.correlationId());
    if (p != null) {
      if (e.code().isLimit()) {
        p.fail(Status.INVALID, e.code().name(), e.message());
      } else {
        p.fail(Status.UNAVAILABLE, e.code().name(), e.message());
      }
    }
    if (state == State.CONNECTING) {
      slot.failed(this, closeReason);
    }
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(new Ping(System.nanoTime()), ctx.voidPromise());
      } else if (idle.state() == IdleState.READER_IDLE) {
        closeReason = "no frame from the server within the idle timeout";
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (closeReason == null) {
      closeReason = c.getMessage() != null ? c.getMessage() : c.toString();
    }
    LOG.debug("connection to {} failed", address, c);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    State before = state;
    state = State.CLOSED;
    String why = closeReason != null ? closeReason : "the server closed the connection";
    if (before == State.CONNECTING) {
      slot.failed(this, why);
    } else {
      slot.retired(this);
    }
    List<PendingRequest> lost = new ArrayList<>(inFlight.values());
    inFlight.clear();
    for (PendingRequest p : lost) {
      p.fail(Status.UNAVAILABLE, "CONNECTION_CLOSED", "the connection to " + address
          + " closed before the result arrived (" + why + "); the event may or may not have "
          + "been processed");
    }
    if (queue != null) {
      queue.drainTo(this::unavailable);
    }
    failWaiting();
    ctx.fireChannelInactive();
  }

  /** Fails a request that was never written. */
  void unavailable(PendingRequest p) {
    String why = closeReason != null ? closeReason : "the connection closed";
    p.fail(Status.UNAVAILABLE, "UNAVAILABLE", "cannot send to " + address + ": " + why);
  }

  /** Fails waiting requests when the connect attempt itself failed. */
  void connectFailed(String why) {
    closeReason = why;
    state = State.CLOSED;
    failWaiting();
  }

  private void maybeCloseDrained() {
    if (state == State.DRAINING && inFlight.isEmpty()) {
      channel.close();
    }
  }

  void close() {
    if (channel != null) {
      closeReason = "the client was closed";
      channel.close();
    }
  }
}
