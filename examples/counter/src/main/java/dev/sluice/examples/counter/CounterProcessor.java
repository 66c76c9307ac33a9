package dev.sluice.examples.counter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockService;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.ProcessorContext;
import dev.sluice.spi.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Adds to a named counter and answers its new value: shared state changed safely by many workers
 * and many servers at once.
 *
 * <pre>
 *  event  {type: example.counter.add, data: {"counter": "visits", "delta": 3}}
 *  result {status: OK, datacontenttype: application/json, data: {"counter": "visits", "value": 45}}
 * </pre>
 *
 * <p><b>How the update is made safe.</b> Reading a value, adding and writing it back is a race
 * when two events for the same counter run at once, on two workers or on two servers sharing a
 * database. So the processor holds the distributed lock {@code counter:<name>} while it reads and
 * writes the value under the state key {@code counter:<name>}:
 *
 * <pre>{@code
 * locks.withLock("counter:visits", lease, wait, lease -> {
 *   long value = read(state.get("counter:visits")) + delta;
 *   state.put("counter:visits", encode(value), lease);   // fenced write
 *   return value;
 * });
 * }</pre>
 *
 * <p>A lock alone is not enough: a worker paused (by garbage collection, say) past its lease
 * loses the lock to another worker without knowing it, then wakes and writes a stale value. The
 * write is therefore <em>fenced</em>: {@link StateStore#put} refuses it when a newer lease of the
 * lock exists, with a {@link dev.sluice.spi.FencedWriteException} (retryable {@code ERROR} code
 * {@code FENCED}). A lock not free within the wait gives a retryable {@code ERROR} code
 * {@code LOCK_TIMEOUT}. In both cases nothing was written, so sending the event again is safe.
 *
 * <p><b>Repeats.</b> Adding is not idempotent: applied twice, an event adds twice. The engine
 * deduplicates events by {@code (source, id)}: a repeat of an event, even while the first is
 * still running, is answered with the first one's result and not processed again. Senders that
 * retry must therefore reuse the event's id. (If the server stops between the write and keeping
 * the result, the event is applied but its result is lost; a processor that must be exactly-once
 * even then keeps the ids it applied in its state, next to the value.)
 *
 * <p><b>Input.</b> A JSON object; other fields are ignored.
 * <ul>
 *   <li>{@code counter}: 1 to {@value #MAX_NAME_LENGTH} ASCII letters, digits, {@code .},
 *       {@code _} or {@code -}, starting with a letter or digit; case matters.
 *   <li>{@code delta}: a JSON integer (no fraction, no exponent, not a string) from
 *       -{@value #MAX_DELTA} to {@value #MAX_DELTA}, the integers a JavaScript sender holds
 *       exactly; 0 reads the value.
 * </ul>
 * Input that breaks these rules gets {@code INVALID} code {@code BAD_INPUT}, listing every
 * problem. A sum beyond the range of a {@code long} gets {@code INVALID} code
 * {@code OUT_OF_RANGE} and leaves the counter unchanged. Counters start at 0.
 *
 * <p><b>Settings.</b>
 * <pre>{@code
 * settings:
 *   lock-lease: 10s    # how long a lease lasts; renewed while the work runs
 *   lock-wait: 5s      # how long to wait for the lock (never past the event's deadline)
 * }</pre>
 *
 * <p>Thread-safe: it keeps no state of its own; the lock service and the state store, given by
 * the engine through the {@link ProcessorContext}, are shared and thread-safe.
 */
public final class CounterProcessor implements EventProcessor {
  /** The event type this processor is usually routed. */
  public static final String TYPE = "example.counter.add";
  /** Settings key: the lease asked for the counter's lock. */
  public static final String LOCK_LEASE = "lock-lease";
  /** Settings key: the longest wait for the counter's lock. */
  public static final String LOCK_WAIT = "lock-wait";
  public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(5);
  /** The longest counter name. */
  public static final int MAX_NAME_LENGTH = 64;
  /** The largest delta, up or down: 2^53 - 1. */
  public static final long MAX_DELTA = 9_007_199_254_740_991L;
  /** Prefix of the lock name and of the state key of each counter. */
  public static final String PREFIX = "counter:";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final String EXPECTED =
      "expected a JSON object such as {\"counter\": \"visits\", \"delta\": 1}";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  @Override
  public Result process(Event event, ProcessorContext context) throws Exception {
    LockSettings lockSettings = LockSettings.from(context.settings());

    Add add;
    try {
      add = Add.parse(event);
    } catch (BadInput e) {
      return Result.failure(event.id(), Status.INVALID, "BAD_INPUT", e.getMessage());
    }

    Optional<LockService> locks = context.locks();
    Optional<StateStore> state = context.state();
    if (locks.isEmpty() || state.isEmpty()) {
      return Result.failure(event.id(), Status.UNAVAILABLE, "NO_STATE",
          "this server gives processors no lock service or state store; configure a store");
    }

    // Waiting for the lock after the sender has given up would be wasted work.
    Duration untilDeadline = Duration.between(Instant.now(), context.deadline());
    Duration wait = untilDeadline.isNegative() ? Duration.ZERO
        : untilDeadline.compareTo(lockSettings.maxWait()) < 0 ? untilDeadline
        : lockSettings.maxWait();

    String key = PREFIX + add.counter();
    return locks.get().withLock(key, lockSettings.lease(), wait,
        held -> apply(event, add, key, held, state.get(), context));
  }

  /** Runs while holding the counter's lock. */
  private static Result apply(Event event, Add add, String key, Lease lease, StateStore state,
      ProcessorContext context) throws ProcessingException {
    long current = state.get(key).map(bytes -> decode(key, bytes)).orElse(0L);
    long next;
    try {
      next = Math.addExact(current, add.delta());
    } catch (ArithmeticException e) {
      return Result.failure(event.id(), Status.INVALID, "OUT_OF_RANGE", "counter '"
          + add.counter() + "' is " + current + "; adding " + add.delta()
          + " would leave the range of a 64-bit integer, so it was left unchanged");
    }
    if (add.delta() != 0) {
      state.put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII), lease);
    }
    context.logger().debug("counter '{}' {} + {} = {} (lease token {})", add.counter(), current,
        add.delta(), next, lease.fencingToken());

    ObjectNode out = JSON.createObjectNode().put("counter", add.counter()).put("value", next);
    return Result.ok(event.id(), out.toString(), "application/json");
  }

  private static long decode(String key, byte[] stored) {
    String text = new String(stored, StandardCharsets.US_ASCII);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      // Not BAD_INPUT: the event is fine, the stored state is not. Someone else wrote this key.
      throw new IllegalStateException("state '" + key + "' holds " + stored.length
          + " bytes that are not a decimal integer; was the key written by another processor?",
          e);
    }
  }

  /** The {@code settings:} this processor reads. */
  record LockSettings(Duration lease, Duration maxWait) {

    static LockSettings from(Settings settings) throws ProcessingException {
      try {
        settings.requireOnly(Set.of(LOCK_LEASE, LOCK_WAIT));
        List<ConfigProblem> problems = new ArrayList<>(0);
        Duration lease = positive(settings, LOCK_LEASE, DEFAULT_LOCK_LEASE, problems);
        Duration wait = positive(settings, LOCK_WAIT, DEFAULT_LOCK_WAIT, problems);
        if (!problems.isEmpty()) {
          throw new ConfigException(settings.origin(), problems);
        }
        return new LockSettings(lease, wait);
      } catch (ConfigException e) {
        throw new ProcessingException("BAD_SETTINGS", e.getMessage(), e);
      }
    }

    private static Duration positive(Settings settings, String key, Duration defaultValue,
        List<ConfigProblem> problems) {
      Duration value = settings.duration(key, defaultValue);
      if (value.isNegative() || value.isZero()) {
        String path = settings.path().isEmpty() ? key : settings.path() + "." + key;
        problems.add(new ConfigProblem(path, settings.line(key),
            "must be a positive duration such as 10s, was " + value));
      }
      return value;
    }
  }

  /** What an event asks: add {@code delta} to {@code counter}. */
  record Add(String counter, long delta) {

    static Add parse(Event event) throws BadInput {
      JsonNode data;
      try {
        data = event.hasData() ? JSON.readTree(event.data()) : null;
      } catch (JsonProcessingException e) {
        throw new BadInput("data is not valid JSON (" + e.getOriginalMessage() + "); " + EXPECTED);
      } catch (IOException e) {
        throw new IllegalStateException("reading from a byte array cannot fail", e);
      }
      if (data == null || data.isMissingNode()) {
        throw new BadInput("data is empty; " + EXPECTED);
      }
      if (!data.isObject()) {
        throw new BadInput("data is a JSON " + describe(data) + "; " + EXPECTED);
      }
      List<String> problems = new ArrayList<>(2);
      String counter = counter(data.get("counter"), problems);
      long delta = delta(data.get("delta"), problems);
      if (!problems.isEmpty()) {
        throw new BadInput(String.join("; ", problems) + "; " + EXPECTED);
      }
      return new Add(counter, delta);
    }

    private static String counter(JsonNode node, List<String> problems) {
      if (node == null) {
        problems.add("\"counter\" is missing");
        return null;
      }
      if (!node.isTextual()) {
        problems.add("\"counter\" is a JSON " + describe(node) + ", not a string");
        return null;
      }
      String name = node.textValue();
      if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
        problems.add("\"counter\" must be 1 to " + MAX_NAME_LENGTH + " ASCII letters, digits,"
            + " '.', '_' or '-' starting with a letter or digit, was \"" + shorten(name) + "\"");
        return null;
      }
      return name;
    }

    private static long delta(JsonNode node, List<String> problems) {
      if (node == null) {
        problems.add("\"delta\" is missing");
        return 0;
      }
      if (!node.isIntegralNumber()) {
        problems.add("\"delta\" must be an integer, was a JSON " + describe(node)
            + (node.isNumber() ? " with a fraction or exponent" : ""));
        return 0;
      }
      if (!node.canConvertToLong() || node.longValue() < -MAX_DELTA
          || node.longValue() > MAX_DELTA) {
        problems.add("\"delta\" must be between -" + MAX_DELTA + " and " + MAX_DELTA + ", was "
            + shorten(node.asText()));
        return 0;
      }
      return node.longValue();
    }

    /** Keeps error messages short when the input is huge. */
    private static String shorten(String text) {
      return text.length() <= 80 ? text : text.substring(0, 80) + "...(" + text.length()
          + " chars)";
    }

    private static String describe(JsonNode node) {
      return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
  }

  /** The input is invalid; the message says what is wrong and what is expected. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }
}
