package dev.sluice.internal.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CoarseClockTest {
  private final CoarseClock clock = CoarseClock.utc();

  @Test
  void neverRunsAheadOfTheSystemClock() {
    for (int i = 0; i < 10_000; i++) {
      long coarse = clock.millis();
      assertThat(coarse).isLessThanOrEqualTo(System.currentTimeMillis());
    }
  }

  @Test
  void keepsUpWithTheSystemClock() {
    // each target is reached only if the ticking thread goes on setting the time
    for (int i = 0; i < 3; i++) {
      long target = System.currentTimeMillis() + 30;
      await().atMost(Duration.ofSeconds(10)).until(() -> clock.millis() >= target);
    }
  }

  @Test
  void givesTheSameTimeAsAnInstantAndInAnotherZone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    Clock inParis = clock.withZone(paris);
    long before = clock.millis();
    long instant = clock.instant().toEpochMilli();
    long inParisMillis = inParis.millis();
    assertThat(instant).isBetween(before, System.currentTimeMillis());
    assertThat(inParisMillis).isBetween(before, System.currentTimeMillis());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(inParis.getZone()).isEqualTo(paris);
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
  }

  @Test
  void theMetricsClockReadsTheCoarseWallTimeAndTheExactMonotonicTime() {
    io.micrometer.core.instrument.Clock metrics = MetricsClock.get();
    long earlier = clock.millis();
    long wall = metrics.wallTime();
    assertThat(wall).isBetween(earlier, System.currentTimeMillis());
    long before = System.nanoTime();
    long monotonic = metrics.monotonicTime();
    assertThat(monotonic).isBetween(before, System.nanoTime());
    long target = wall + 30;
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.wallTime() >= target);
  }
}
