package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.parse;
import static dev.sluice.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code retry} and {@code circuit-breaker} sections of processors, and {@code resilience}. */
class ResilienceConfigTest {

  @Test
  void processorsGetTheDefaultRetryAndBreakerWhenTheySayNothing() {
    ProcessorConfig p = parse("processors: [{name: a, types: [x]}]").processors().get(0);

    assertThat(p.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(p.circuitBreaker()).isEqualTo(BreakerPolicy.DEFAULT);
    assertThat(SluiceConfig.defaults().resilience()).isEqualTo(ResilienceConfig.DEFAULT);
  }

  @Test
  void bindsEveryRetryAndBreakerKey() {
    SluiceConfig config = parse("""
        processors:
          - name: a
            types: [x]
            retry:
              max-attempts: 5
              initial-backoff: 50ms
              max-backoff: 2s
              multiplier: 1.5
              jitter: 0.2
            circuit-breaker:
              enabled: false
              failure-rate-threshold: 25
              minimum-calls: 5
              sliding-window: 10
              wait-in-open: 30s
              half-open-calls: 2
        resilience:
          store:
            call-timeout: 800ms
            circuit-breaker: {minimum-calls: 3, wait-in-open: 2s}
        """);

    ProcessorConfig p = config.processors().get(0);
    assertThat(p.retry()).isEqualTo(new RetryPolicy(5, Duration.ofMillis(50),
        Duration.ofSeconds(2), 1.5, 0.2));
    assertThat(p.circuitBreaker()).isEqualTo(new BreakerPolicy(false, 25.0, 5, 10,
        Duration.ofSeconds(30), 2));
    assertThat(config.resilience().store()).isEqualTo(new DependencyPolicy(
        Duration.ofMillis(800), new BreakerPolicy(true, 50.0, 3, 20, Duration.ofSeconds(2), 3)));
    assertThat(config.resilience().outbound()).isEqualTo(DependencyPolicy.DEFAULT);
    assertThat(parse(config.toYaml())).isEqualTo(config);
  }

  @Test
  void reportsBadRetryAndBreakerValuesWithTheirKeyPathAndLine() {
    assertThat(problems("""
        processors:
          - name: a
            types: [x]
            retry:
              max-attempts: 0
              jitter: 1.5
              initial-backof: 10ms
            circuit-breaker:
              failure-rate-threshold: 0
              wait-in-open: 10
        """)).containsExactly(
            "line 5: processors[0].retry.max-attempts: expected at least 1, got 0",
            "line 6: processors[0].retry.jitter: expected from 0.0 to below 1.0, got 1.5",
            "line 7: processors[0].retry.initial-backof: unknown key; did you mean"
                + " 'initial-backoff'?",
            "line 9: processors[0].circuit-breaker.failure-rate-threshold: expected above 0 and"
                + " at most 100, got 0.0",
            "line 10: processors[0].circuit-breaker.wait-in-open: expected a duration such as"
                + " 500ms, 30s, 5m, 1h, 2d or PT30S, got '10': a number needs a unit (write 10s"
                + " for seconds)");
  }

  @Test
  void aMaxBackoffShorterThanTheInitialOneIsAProblemNotAClamp() {
    assertThat(problems("""
        processors:
          - name: a
            types: [x]
            retry: {initial-backoff: 2s, max-backoff: 1s}
        """)).containsExactly("line 4: processors[0].retry.max-backoff: max-backoff (1s) is"
            + " shorter than initial-backoff (2s); raise max-backoff or lower initial-backoff");
  }

  @Test
  void aMinimumOfCallsAboveTheWindowIsAProblem() {
    assertThat(problems("""
        processors:
          - name: a
            types: [x]
            circuit-breaker:
              minimum-calls: 30
              sliding-window: 20
        """)).containsExactly("line 5: processors[0].circuit-breaker.minimum-calls:"
            + " minimum-calls (30) is more than sliding-window (20), so the failure rate would"
            + " be judged on fewer calls than asked; lower minimum-calls or raise"
            + " sliding-window");
  }

  @Test
  void reportsBadResilienceKeys() {
    assertThat(problems("""
        resilience:
          store:
            call-timeout: 0s
          outbund: {}
        """)).containsExactly(
            "line 3: resilience.store.call-timeout: expected longer than 0s, got 0s",
            "line 4: resilience.outbund: unknown key; did you mean 'outbound'?");
  }
}
