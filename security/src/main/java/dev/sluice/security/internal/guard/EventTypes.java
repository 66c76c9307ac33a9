package dev.sluice.security.internal.guard;

/** What an event type may look like; a hand-written scan, linear in the length. */
public final class EventTypes {
  private EventTypes() {}

  /**
   * Segments of ASCII letters, digits, {@code -}, {@code _} and {@code :}, separated by single
   * dots: {@code com.example.order-created}, {@code orders.v2}.
   */
  public static boolean isWellFormed(String type) {
    if (type.isEmpty()) {
      return false;
    }
    boolean segmentStart = true;
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c == '.') {
        if (segmentStart) {
          return false;
        }
        segmentStart = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == ':') {
        segmentStart = false;
      } else {
        return false;
      }
    }
    return !segmentStart;
  }
}
