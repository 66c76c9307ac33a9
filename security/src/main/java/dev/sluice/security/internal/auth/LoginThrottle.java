package dev.sluice.security.internal.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed logins per key (a user name, a remote address) and says when the next attempt
 * may be made: freely for the first {@code slowdownAfter} failures, then after a wait that
 * doubles with each failure up to {@code maxSlowdown}, and not at all for {@code lockout} once
 * {@code attempts} failures happened within {@code window}. Time comes from the injected clock.
 *
 * <p>An attempt is taken with {@link #begin} before the password is checked and settled with
 * {@link #failed}, {@link #succeeded} or {@link #abandoned}: attempts still being checked count
 * against the limit, so a burst of parallel guesses cannot get past it.
 *
 * <p>Thread-safe. Remembers at most {@code maxKeys} keys (the least recently used are
 * forgotten), so a flood of invented user names cannot exhaust memory.
 */
final class LoginThrottle {

  /** The thresholds; see {@code security.authentication.lockout}. */
  record Policy(int slowdownAfter, Duration slowdown, Duration maxSlowdown, int attempts,
      Duration window, Duration lockout) {}

  /** Why an attempt may not be made now, and until when. */
  record Refusal(boolean lockedOut, Instant until) {}

  private static final class Failures {
    int count;
    int inFlight;
    Instant first;
    Instant last;
    Instant lockedUntil;
  }

  private final Policy policy;
  private final Clock clock;
  private final Map<String, Failures> failures;

  LoginThrottle(Policy policy, Clock clock, int maxKeys) {
    this.policy = policy;
    this.clock = clock;
    this.failures = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /** Takes an attempt for {@code key}; empty when it may go ahead, else why not. */
  synchronized Optional<Refusal> begin(String key) {
    Instant now = clock.instant();
    Failures f = current(key);
    if (f != null) {
      if (f.lockedUntil != null) {
        return Optional.of(new Refusal(true, f.lockedUntil));
      }
      if (f.count >= policy.slowdownAfter()) {
        Instant next = f.last.plus(wait(f.count));
        if (now.isBefore(next)) {
          return Optional.of(new Refusal(false, next));
        }
      }
      if (f.count + f.inFlight >= policy.attempts()) {
        // the last attempts before a lockout are already being checked
        return Optional.of(new Refusal(false, now.plus(policy.slowdown())));
      }
    } else {
      f = new Failures();
      f.first = now;
      failures.put(key, f);
    }
    f.inFlight++;
    return Optional.empty();
  }

  /**
   * Gives back an attempt that was not decided for this key: the server was busy, or the
   * login succeeded and this is its address.
   */
  synchronized void abandoned(String key) {
    Failures f = failures.get(key);
    if (f != null) {
      f.inFlight = Math.max(0, f.inFlight - 1);
      if (f.count == 0 && f.inFlight == 0) {
        failures.remove(key);
      }
    }
  }

  /** Records a failure; true when it starts a lockout. */
  synchronized boolean failed(String key) {
    Instant now = clock.instant();
    Failures f = current(key);
    if (f == null) {
      f = new Failures();
      f.first = now;
      failures.put(key, f);
    }
    f.inFlight = Math.max(0, f.inFlight - 1);
    f.count++;
    f.last = now;
    if (f.lockedUntil == null && f.count >= policy.attempts()) {
      f.lockedUntil = now.plus(policy.lockout());
      return true;
    }
    return false;
  }

  synchronized void succeeded(String key) {
    failures.remove(key);
  }


  /** The failures of {@code key} that still count; forgets expired ones. */
  private Failures current(String key) {
    Failures f = failures.get(key);
    if (f == null) {
      return null;
    }
    Instant now = clock.instant();
    boolean lockoutOver = f.lockedUntil != null && !now.isBefore(f.lockedUntil);
    boolean windowOver = f.lockedUntil == null && f.inFlight == 0
        && !now.isBefore(f.first.plus(policy.window()));
    if (lockoutOver || windowOver) {
      failures.remove(key);
      return null;
    }
    return f;
  }

  private Duration wait(int count) {
    int doublings = Math.min(count - policy.slowdownAfter(), 30);
    Duration wait = policy.slowdown().multipliedBy(1L << doublings);
    return wait.compareTo(policy.maxSlowdown()) > 0 ? policy.maxSlowdown() : wait;
  }
}
