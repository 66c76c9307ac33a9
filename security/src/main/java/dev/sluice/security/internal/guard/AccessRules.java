package dev.sluice.security.internal.guard;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which event types each role may send. A caller may send a type when any of its roles has a
 * pattern that matches it; a delivery without a principal has the role {@code anonymous}.
 * Immutable and thread-safe.
 */
public final class AccessRules {
  public static final String ANONYMOUS = "anonymous";
  private static final Principal NOBODY = new Principal(ANONYMOUS, Set.of(ANONYMOUS));

  private final Map<String, List<TypePattern>> byRole;
  /**
   * Per thread: the caller and type it last allowed. A connection's events carry the same
   * principal and, mostly, the same type string objects, so a repeat costs two comparisons.
   */
  private final ThreadLocal<LastAllowed> lastAllowed = ThreadLocal.withInitial(LastAllowed::new);

  private static final class LastAllowed {
    Principal caller;
    String type;
  }

  public AccessRules(Map<String, List<TypePattern>> byRole) {
    Map<String, List<TypePattern>> copy = new HashMap<>();
    byRole.forEach((role, patterns) -> copy.put(role, List.copyOf(patterns)));
    this.byRole = Map.copyOf(copy);
  }

  /** {@code admin} and {@code anonymous} may send everything: the default without a config. */
  public static AccessRules defaults() {
    return new AccessRules(Map.of("admin", List.of(TypePattern.of("*")),
        ANONYMOUS, List.of(TypePattern.of("*"))));
  }

  public boolean allows(Set<String> roles, String type) {
    for (String role : roles) {
      List<TypePattern> patterns = byRole.get(role);
      if (patterns != null) {
        for (TypePattern p : patterns) {
          if (p.matches(type)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** UNAUTHORIZED when the caller's roles do not allow the event's type. */
  public Optional<Result> check(Event event, Delivery delivery) {
    Principal caller = delivery.principal().orElse(NOBODY);
    String type = event.type();
    LastAllowed last = lastAllowed.get();
    if (caller == last.caller && type == last.type) {
      return Optional.empty(); // the principal, the type and these rules are immutable
    }
    if (allows(caller.roles(), type)) {
      last.caller = caller;
      last.type = type;
      return Optional.empty();
    }
    return Optional.of(Result.failure(event.id(), Status.UNAUTHORIZED, "NOT_ALLOWED",
        "'" + caller.name() + "' may not send events of type '" + event.type()
            + "'; ask the operator to grant one of its roles " + caller.roles()
            + " this type under security.roles"));
  }
}
