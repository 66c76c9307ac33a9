package dev.sluice.transport.netty.internal;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.Principal;
import dev.sluice.transport.netty.internal.Frame.ErrorFrame;
import dev.sluice.transport.netty.internal.Frame.EventFrame;
import dev.sluice.transport.netty.internal.Frame.GoAway;
import dev.sluice.transport.netty.internal.Frame.Hello;
import dev.sluice.transport.netty.internal.Frame.Ping;
import dev.sluice.transport.netty.internal.Frame.Pong;
import dev.sluice.transport.netty.internal.Frame.Welcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server connection: the handshake, then events to the sink and results back, matched by
 * correlation id. All state lives on the channel's event loop; results completing on engine
 * threads come back through an {@link OutboundQueue}.
 *
 * <p>Reading pauses (autoRead off) for any of three reasons, and resumes when none is left: the
 * engine asked the source to pause, this connection has too many requests in processing, or
 * the peer does not read its results (the channel is not writable). The events of a read that
 * was under way when reading paused are held, in order, and handed on first when it resumes:
 * a pause takes effect at the next event, not at the next read, so a flood meets the engine's
 * pause instead of its full queue. What is held is at most one read's worth.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
  static final int PAUSED_BY_ENGINE = 1;
  static final int PAUSED_BY_IN_FLIGHT = 2;
  static final int PAUSED_BY_WRITES = 4;
  /** How long a refused connection is kept open, reading, so that the peer reads why. */
  static final long LINGER_MILLIS = 1_000;

  private enum State {
    AWAIT_HELLO, AUTHENTICATING, OPEN, CLOSING
  }

  private final NettyEventSource source;
  private final Channel channel;
  private final FrameDecoder decoder;
  private final String remote;
  private final OutboundQueue<Object[]> results;
  private State state = State.AWAIT_HELLO;
  /**
   * The caller and address of every event of this connection; each event gets a deadline from
   * its timeout (the events of one read with the same timeout share one, see deliveryWithin).
   */
  private Delivery opened;
  private int inFlight;
  private int pauseReasons;
  private boolean goingAway;
  /** Events read while reading was paused, in arrival order; handed on when it resumes. */
  private final ArrayDeque<EventFrame> held = new ArrayDeque<>();
  /** {@link #releaseHeld} is running: a nested resume leaves the rest to it. */
  private boolean releasing;
  private int lastCorrelationId;
  /** Results were written during this read: flush them once when the read completes. */
  private boolean flushAfterRead;
  /**
   * The delivery of this read's events with the timeout of {@link #readTimeoutMillis}, or null:
   * one clock reading per read, not per event (see {@link #deliveryWithin}).
   */
  private Delivery readDelivery;
  private long readTimeoutMillis;
  private ScheduledFuture<?> handshakeTimer;
  // read once: settings are looked up by key, and these are needed for every request
  private final long requestTimeoutMillis;
  private final int maxInFlight;

  ServerConnection(NettyEventSource source, Channel channel, FrameDecoder decoder) {
    this.source = source;
    this.requestTimeoutMillis = source.settings().requestTimeout().toMillis();
    this.maxInFlight = source.settings().maxInFlightPerConnection();
    this.channel = channel;
    this.decoder = decoder;
    this.remote = String.valueOf(channel.remoteAddress());
    this.results = new OutboundQueue<>(channel, this::writeResult);
  }

  // ------------------------------------------------------------------------------ lifecycle

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    long millis = source.settings().handshakeTimeout().toMillis();
    handshakeTimer = ctx.executor().schedule(() -> {
      if (state == State.AWAIT_HELLO || state == State.AUTHENTICATING) {
        refuse(ErrorCode.HANDSHAKE_TIMEOUT, 0, "no completed handshake within " + millis
            + "ms (handshake-timeout)");
      }
    }, millis, TimeUnit.MILLISECONDS);
    source.opened(this);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    state = State.CLOSING;
    source.closed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSING) {
      return;
    }
    if (msg instanceof EventFrame e) {
      if (state != State.OPEN) {
        refuse(ErrorCode.PROTOCOL_ERROR, e.correlationId(),
            "EVENT before the handshake completed; wait for WELCOME");
        return;
      }
      event(e);
    } else if (msg instanceof Hello h) {
      hello(h);
    } else if (msg instanceof Ping p) {
      ctx.writeAndFlush(new Pong(p.payload()), ctx.voidPromise());
    } else if (msg instanceof Pong) {
      // heartbeat answered; reading it reset the idle timer
    } else if (msg instanceof ErrorFrame e) {
      LOG.info("client {} reported {}: {}; closing", remote, e.code(), e.message());
      ctx.close();
    } else {
      refuse(ErrorCode.PROTOCOL_ERROR, ((Frame) msg).correlationId(), "a client may send "
          + "HELLO, EVENT, PING, PONG and ERROR; got " + msg.getClass().getSimpleName());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (c instanceof ProtocolException p) {
      refuse(p.code(), p.correlationId(), p.getMessage());
    } else if (c instanceof SSLException) {
      LOG.info("TLS with {} failed: {}", remote, c.getMessage());
      ctx.close();
    } else if (c instanceof IOException) {
      LOG.debug("connection from {} failed: {}", remote, c.toString());
      ctx.close();
    } else {
      LOG.warn("unexpected failure on the connection from {}; closing it", remote, c);
      refuse(ErrorCode.INTERNAL_ERROR, 0, "the server failed on this connection: " + c);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      refuse(ErrorCode.IDLE_TIMEOUT, 0, "no frame for "
          + source.settings().idleTimeout().toMillis() + "ms (idle-timeout); send PING to "
          + "keep a quiet connection open");
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    pause(PAUSED_BY_WRITES, !channel.isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  // ------------------------------------------------------------------------------ handshake

  private void hello(Hello h) {
    if (state != State.AWAIT_HELLO) {
      refuse(ErrorCode.PROTOCOL_ERROR, 0, "HELLO may be sent once, first");
      return;
    }
    if (h.minVersion() > Frame.VERSION || h.maxVersion() < Frame.VERSION) {
      refuse(ErrorCode.UNSUPPORTED_VERSION, 0, "this server speaks protocol version "
          + Frame.VERSION + "; the client offered " + h.minVersion() + " to " + h.maxVersion());
      return;
    }
    if (source.isStopping()) {
      refuse(ErrorCode.SHUTTING_DOWN, 0, "the server is shutting down; retry elsewhere");
      return;
    }
    Authenticator auth = source.authenticator();
    if (h.auth() == Frame.Auth.PASSWORD) {
      state = State.AUTHENTICATING;
      char[] password = h.password().toCharArray();
      CompletionStage<Principal> login;
      try {
        login = auth.login(h.username(), password, remote);
      } finally {
        java.util.Arrays.fill(password, '\0');
      }
      login.whenComplete((p, t) -> channel.eventLoop().execute(() -> {
        if (state != State.AUTHENTICATING) {
          return;
        }
        if (t != null) {
          Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause()
              != null ? t.getCause() : t;
          String why = c instanceof AuthenticationException ? c.getMessage()
              : "authentication could not be checked; try again later";
          if (!(c instanceof AuthenticationException)) {
            LOG.warn("authenticating {} from {} failed", h.username(), remote, c);
          }
          refuse(ErrorCode.AUTHENTICATION_FAILED, 0, why);
        } else {
          open(p);
        }
      }));
      return;
    }
    X509Certificate[] chain = peerCertificates();
    if (chain != null) {
      try {
        open(auth.certificate(chain));
      } catch (AuthenticationException e) {
        refuse(ErrorCode.AUTHENTICATION_FAILED, 0, e.getMessage());
      }
    } else if (auth.required()) {
      refuse(ErrorCode.AUTHENTICATION_REQUIRED, 0, "this server requires authentication: a "
          + "user name and password in HELLO, or a trusted client certificate");
    } else {
      open(null);
    }
  }

  private X509Certificate[] peerCertificates() {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] certs = ssl.engine().getSession().getPeerCertificates();
      X509Certificate[] chain = new X509Certificate[certs.length];
      for (int i = 0; i < certs.length; i++) {
        chain[i] = (X509Certificate) certs[i];
      }
      return chain.length == 0 ? null : chain;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private void open(Principal caller) {
    state = State.OPEN;
    Delivery delivery = Delivery.of(NettyEventSource.TRANSPORT, Instant.EPOCH)
        .withRemoteAddress(remote);
    opened = caller == null ? delivery : delivery.withPrincipal(caller);
    handshakeTimer.cancel(false);
    decoder.limits(source.limits());
    channel.writeAndFlush(new Welcome(Frame.VERSION, source.settings().idleTimeout().toMillis(),
        source.settings().maxFrameBytes(), caller == null ? "anonymous" : caller.name(),
        source.serverName()), channel.voidPromise());
    if (source.isPaused()) {
      pause(PAUSED_BY_ENGINE, true);
    }
  }

  // ------------------------------------------------------------------------------ events

  private void event(EventFrame f) {
    int id = f.correlationId();
    lastCorrelationId = id;
    if (goingAway) {
      String eventId = f.attribute("id");
      reply(id, Result.failure(eventId == null ? "" : eventId, Status.UNAVAILABLE,
          "SHUTTING_DOWN", "the server is shutting down and sent GOAWAY; retry on a new "
              + "connection"));
      return;
    }
    if (mustHold() || !held.isEmpty()) {
      held.add(f);
      return;
    }
    accept(f);
  }

  /**
   * Whether reading is paused for any reason, counting the engine's pause as soon as the source
   * has it: the engine's pause task for this channel may still be queued.
   */
  private boolean mustHold() {
    if ((pauseReasons & PAUSED_BY_ENGINE) == 0 && source.isPaused()) {
      pause(PAUSED_BY_ENGINE, true);
    }
    return pauseReasons != 0;
  }

  /**
   * Hands on the held events while nothing pauses reading, and flushes the results that came
   * at once; on the event loop. With nothing held (the usual resume) it does nothing, so a
   * resume in the middle of a read leaves the flush to the read's end.
   */
  private void releaseHeld() {
    if (held.isEmpty()) {
      return;
    }
    releasing = true;
    try {
      EventFrame f;
      while ((f = held.peek()) != null && !mustHold()) {
        held.poll();
        accept(f);
      }
    } finally {
      releasing = false;
      readDelivery = null; // released outside a read: the next read reads the clock again
    }
    if (flushAfterRead) {
      flushAfterRead = false;
      channel.flush();
    }
  }

  /** Validates an event and submits it to the sink; its result comes back in any order. */
  private void accept(EventFrame f) {
    int id = f.correlationId();
    Event event;
    try {
      event = EventMapping.toEvent(f);
    } catch (InvalidEventException e) {
      String eventId = f.attribute("id");
      reply(id, Result.failure(eventId == null ? "" : eventId, Status.INVALID, "MALFORMED",
          e.getMessage()));
      return;
    }
    long timeout = f.timeoutMillis() == 0 ? requestTimeoutMillis : f.timeoutMillis();
    Delivery delivery = deliveryWithin(timeout);
    inFlight++;
    if (inFlight >= maxInFlight) {
      pause(PAUSED_BY_IN_FLIGHT, true);
    }
    CompletionStage<Result> outcome = source.submit(event, delivery);
    if (outcome instanceof CompletableFuture<Result> answered && answered.isDone()
        && !answered.isCompletedExceptionally()) {
      answerNow(id, answered.getNow(null)); // a processor that ran inline, a repeat
      return;
    }
    outcome.whenComplete((r, t) -> results.offer(new Object[] {id,
        r != null ? r : Result.failure(event.id(), Status.ERROR, "INTERNAL",
            "the server failed to process the event: " + t)}));
  }

  /**
   * The delivery of an event to be answered within {@code timeoutMillis}: its deadline counts
   * from the first of the events of this read, in a row, with the same timeout, not from when
   * the event's turn came (events held while reading paused count from their release). So it
   * is early by the time the read's earlier events took: microseconds, unless a processor that
   * runs inline is slow, and then a later event of the read may be answered TIMEOUT before it
   * starts, as it would be had it waited in a queue. That is closer to when the sender sent it,
   * and it costs one clock reading and one delivery per read instead of per event.
   */
  private Delivery deliveryWithin(long timeoutMillis) {
    Delivery d = readDelivery;
    if (d == null || readTimeoutMillis != timeoutMillis) {
      d = opened.withDeadline(Instant.now().plusMillis(timeoutMillis));
      readDelivery = d;
      readTimeoutMillis = timeoutMillis;
    }
    return d;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readDelivery = null; // the next read reads the clock again
    if (flushAfterRead) {
      flushAfterRead = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /** A result for a request that never reached the sink. */
  private void reply(int id, Result r) {
    inFlight++;
    answerNow(id, r);
  }

  /**
   * A result known while its request is read: written now and flushed once with the others of
   * this read, without the hand-off through {@link #results}; on the event loop.
   */
  private void answerNow(int id, Result r) {
    writeResult(id, r);
    flushAfterRead = true;
  }

  private void writeResult(Object[] item) {
    writeResult((Integer) item[0], (Result) item[1]);
  }

  /** Writes one result without flushing; on the event loop. */
  private void writeResult(int id, Result result) {
    inFlight--;
    if (state != State.CLOSING) {
      channel.write(EventMapping.toFrame(id, result), channel.voidPromise());
    }
    if ((pauseReasons & PAUSED_BY_IN_FLIGHT) != 0
        && inFlight <= maxInFlight / 2) {
      pause(PAUSED_BY_IN_FLIGHT, false);
    }
    if (goingAway && inFlight == 0 && held.isEmpty()) {
      channel.eventLoop().execute(this::closeGracefully);
    }
  }

  // ------------------------------------------------------------------------------ control

  /** Adds or removes a reason to stop reading; reads resume when no reason is left. */
  void pause(int reason, boolean on) {
    int before = pauseReasons;
    pauseReasons = on ? pauseReasons | reason : pauseReasons & ~reason;
    if ((before == 0) == (pauseReasons == 0) || state == State.CLOSING) {
      return;
    }
    if (pauseReasons != 0) {
      channel.config().setAutoRead(false);
      return;
    }
    if (releasing) {
      return; // the release under way goes on, and turns reading back on when it is done
    }
    releaseHeld();
    if (pauseReasons == 0) {
      channel.config().setAutoRead(true);
    }
  }

  /** Sends GOAWAY and closes once every accepted request is answered; on the event loop. */
  void goAway() {
    if (goingAway || state == State.CLOSING) {
      return;
    }
    goingAway = true;
    if (state != State.OPEN) {
      refuse(ErrorCode.SHUTTING_DOWN, 0, "the server is shutting down; retry elsewhere");
      return;
    }
    // Keep reading: requests already on the wire get an UNAVAILABLE answer, not silence.
    pause(PAUSED_BY_ENGINE | PAUSED_BY_IN_FLIGHT, false);
    channel.writeAndFlush(new GoAway(lastCorrelationId, "the server is shutting down; requests "
        + "up to correlation id " + lastCorrelationId + " will be answered"),
        channel.voidPromise());
    if (inFlight == 0 && held.isEmpty()) {
      closeGracefully();
    }
  }

  private void closeGracefully() {
    if (state != State.CLOSING) {
      state = State.CLOSING;
      channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Answers a violation with an ERROR frame and closes. Input keeps being read and discarded
   * for a moment, so the peer is not reset before it reads the frame.
   */
  void refuse(ErrorCode code, int correlationId, String message) {
    if (state == State.CLOSING) {
      return;
    }
    state = State.CLOSING;
    LOG.info("refusing the connection from {}: {} {}", remote, code, message);
    source.refused(code);
    decoder.discardFromNowOn();
    channel.config().setAutoRead(true);
    channel.writeAndFlush(new ErrorFrame(correlationId, code, message))
        .addListener(f -> channel.eventLoop().schedule(() -> {
          channel.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS));
  }

  Channel channel() {
    return channel;
  }
}
