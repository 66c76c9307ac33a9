package dev.sluice.examples.flaky;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.ProcessorContext;
import java.io.IOException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Fails on request or at random, otherwise echoes: a stand-in for an unreliable downstream
 * service, to try retries, dead letters and circuit breakers.
 *
 * <pre>
 *  event  {type: example.flaky, data: {"order": 7}}
 *  result {status: OK, data: {"order": 7}}                            (same data and content type)
 *
 *  event  {type: example.flaky, data: {"fail": true}}
 *  result {status: ERROR, code: FLAKY, message: "failing on purpose: ..."}   (retryable)
 * </pre>
 *
 * <p>It fails when the data is a JSON object whose {@code fail} field is {@code true} (the JSON
 * boolean), and otherwise with probability {@value #FAIL_RATE}. A failure is thrown as
 * {@link ProcessingException#retryable}, which is how a processor says "this may work if tried
 * again": the engine turns it into an {@code ERROR} result with code {@code FLAKY}, and a retry
 * policy may send the event again. Any data is accepted; data that is not JSON just cannot ask to
 * fail.
 *
 * <p><b>Settings.</b>
 * <pre>{@code
 * settings:
 *   fail-rate: 0.25    # 0.0 (never, the default) to 1.0 (always)
 *   seed: 42           # optional: the same sequence of random outcomes on every run
 * }</pre>
 * The outcomes are drawn from one generator per configured processor, in the order events are
 * processed, so a seed repeats a run exactly only with {@code concurrency: 1}.
 */
public final class FlakyProcessor implements EventProcessor {
  /** The event type this processor is usually routed. */
  public static final String TYPE = "example.flaky";
  /** Settings key: the probability of a random failure, 0.0 to 1.0. */
  public static final String FAIL_RATE = "fail-rate";
  /** Settings key: seed of the random outcomes. */
  public static final String SEED = "seed";
  /** The code of every failure. */
  public static final String CODE = "FLAKY";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  // The random generator must outlive one event for a seed to mean a sequence, so the settings
  // are read once. That is safe: each configured processor gets its own instance, and its
  // settings never change.
  private volatile Dice dice;

  @Override
  public Result process(Event event, ProcessorContext context) throws ProcessingException {
    Dice d = dice(context.settings());
    if (asksToFail(event)) {
      throw ProcessingException.retryable(CODE,
          "failing on purpose: the event's data has \"fail\": true");
    }
    if (d.roll()) {
      throw ProcessingException.retryable(CODE, "failing on purpose: a random failure ("
          + FAIL_RATE + " " + d.failRate() + ")");
    }
    return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
  }

  private Dice dice(Settings settings) throws ProcessingException {
    Dice d = dice;
    if (d == null) {
      synchronized (this) {
        d = dice;
        if (d == null) {
          d = Dice.from(settings);
          dice = d;
        }
      }
    }
    return d;
  }

  private static boolean asksToFail(Event event) {
    if (!event.hasData()) {
      return false;
    }
    try {
      JsonNode fail = JSON.readTree(event.data()).get("fail");
      return fail != null && fail.isBoolean() && fail.booleanValue();
    } catch (IOException notJson) {
      return false;
    }
  }

  /** The random failures: a rate and where the outcomes come from. */
  record Dice(double failRate, RandomGenerator random) {

    static Dice from(Settings settings) throws ProcessingException {
      try {
        settings.requireOnly(Set.of(FAIL_RATE, SEED));
        double rate = settings.decimal(FAIL_RATE, 0.0);
        // !(in range) rather than (out of range), so that NaN is refused too.
        if (!(rate >= 0.0 && rate <= 1.0)) {
          String path = settings.path().isEmpty() ? FAIL_RATE : settings.path() + "." + FAIL_RATE;
          throw new ConfigException(settings.origin(), new ConfigProblem(path,
              settings.line(FAIL_RATE), "must be a probability from 0.0 to 1.0, was " + rate));
        }
        // java.util.Random is thread-safe; ThreadLocalRandom is faster when no seed is asked.
        RandomGenerator random = settings.has(SEED)
            ? new Random(settings.longValue(SEED, 0))
            : null;
        return new Dice(rate, random);
      } catch (ConfigException e) {
        throw new ProcessingException("BAD_SETTINGS", e.getMessage(), e);
      }
    }

    boolean roll() {
      if (failRate == 0.0) {
        return false;
      }
      RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
      return r.nextDouble() < failRate;
    }
  }
}
