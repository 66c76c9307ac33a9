package dev.sluice.security.internal.guard;

/**
 * A quick check, without allocation, that JSON data is plainly well-formed (RFC 8259), for the
 * common case of every event: small documents with no duplicate names. It answers true only
 * when Jackson's strict scan ({@link EventValidator}: duplicate names refused, the configured
 * depth limit) would accept the data too; false means "not sure", and the caller then runs
 * Jackson, which gives the verdict and the error message. So it never decides a rejection, and
 * anything unusual (escapes in names, deep nesting, many names, long numbers or names, lone
 * surrogate escapes) is left to Jackson.
 *
 * <p>Why: Jackson's scan costs about 200 to 300 ns for a 34-byte document (a parser, its
 * context and the duplicate detector per call), one of the larger costs of an event that a
 * processor answers inline; this pass costs about 65 ns for the same document.
 *
 * <p>The data must have been checked as UTF-8 before: bytes of 0x80 and above inside strings
 * are taken as they are.
 */
final class JsonSyntax {
  /** Deeper data is left to Jackson. */
  static final int MAX_DEPTH = 32;
  /** Names of the objects open at once, together; with more, Jackson checks duplicates. */
  static final int MAX_NAMES = 64;
  /** Longer names and numbers are left to Jackson (its limits: 50 000 and 1 000). */
  static final int MAX_NAME_BYTES = 256;
  static final int MAX_NUMBER_BYTES = 100;

  private static final ThreadLocal<JsonSyntax> SCANNERS = ThreadLocal.withInitial(JsonSyntax::new);
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private final int[] nameStart = new int[MAX_NAMES];
  private final int[] nameEnd = new int[MAX_NAMES];
  private byte[] d;
  private int i;
  private int depthLeft;
  private int names;

  private JsonSyntax() {
  }

  /**
   * True when {@code data} is one JSON value, well-formed, nested at most {@code maxDepth}
   * deep and without a duplicate name in any object; false when that is not certain.
   */
  static boolean plainlyWellFormed(byte[] data, int maxDepth) {
    JsonSyntax s = SCANNERS.get();
    try {
      return s.document(data, Math.min(maxDepth, MAX_DEPTH));
    } finally {
      s.d = null;
    }
  }

  private boolean document(byte[] data, int maxDepth) {
    d = data;
    i = 0;
    depthLeft = maxDepth;
    names = 0;
    whitespace();
    if (i >= d.length || !value()) {
      return false;
    }
    whitespace();
    return i == d.length;
  }

  private boolean value() {
    if (i >= d.length) {
      return false;
    }
    switch (d[i]) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string() >= 0;
      case 't':
        return literal(TRUE);
      case 'f':
        return literal(FALSE);
      case 'n':
        return literal(NULL);
      default:
        return number();
    }
  }

  private boolean object() {
    if (--depthLeft < 0) {
      return false;
    }
    i++;
    whitespace();
    int first = names;
    if (i < d.length && d[i] == '}') {
      i++;
      depthLeft++;
      return true;
    }
    while (true) {
      if (i >= d.length || d[i] != '"') {
        return false;
      }
      int start = i + 1;
      if (string() != 0) {
        return false; // malformed, or escaped: only Jackson compares decoded names
      }
      int end = i - 1;
      if (end - start > MAX_NAME_BYTES || names == MAX_NAMES) {
        return false;
      }
      for (int k = first; k < names; k++) {
        if (sameBytes(nameStart[k], nameEnd[k], start, end)) {
          return false; // a duplicate: Jackson words the refusal
        }
      }
      nameStart[names] = start;
      nameEnd[names] = end;
      names++;
      whitespace();
      if (i >= d.length || d[i] != ':') {
        return false;
      }
      i++;
      whitespace();
      if (!value()) {
        return false;
      }
      int next = afterMember((byte) '}');
      if (next == 0) {
        names = first;
        return true;
      }
      if (next < 0) {
        return false;
      }
    }
  }

  private boolean array() {
    if (--depthLeft < 0) {
      return false;
    }
    i++;
    whitespace();
    if (i < d.length && d[i] == ']') {
      i++;
      depthLeft++;
      return true;
    }
    while (true) {
      if (!value()) {
        return false;
      }
      int next = afterMember((byte) ']');
      if (next <= 0) {
        return next == 0;
      }
    }
  }

  /**
   * After a member of an object or array: 1 past a comma (and the space after it), 0 past
   * {@code close}, which ends the container, and -1 at anything else.
   */
  private int afterMember(byte close) {
    whitespace();
    if (i >= d.length) {
      return -1;
    }
    if (d[i] == ',') {
      i++;
      whitespace();
      return 1;
    }
    if (d[i] == close) {
      i++;
      depthLeft++;
      return 0;
    }
    return -1;
  }

  /**
   * A string from its opening quote to after its closing one: -1 when malformed (or a lone
   * surrogate escape), 1 when it has escapes, 0 otherwise.
   */
  private int string() {
    i++;
    int escaped = 0;
    while (i < d.length) {
      int b = d[i] & 0xFF;
      if (b == '"') {
        i++;
        return escaped;
      }
      if (b < 0x20) {
        return -1;
      }
      if (b == '\\') {
        if (i + 1 >= d.length) {
          return -1;
        }
        escaped = 1;
        switch (d[i + 1]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
          case 'u' -> {
            int code = hex4(i + 2);
            if (code < 0 || (code >= 0xD800 && code <= 0xDFFF)) {
              return -1;
            }
            i += 6;
          }
          default -> {
            return -1;
          }
        }
      } else {
        i++;
      }
    }
    return -1;
  }

  private int hex4(int at) {
    if (at + 4 > d.length) {
      return -1;
    }
    int code = 0;
    for (int k = at; k < at + 4; k++) {
      int digit = Character.digit(d[k], 16);
      if (digit < 0) {
        return -1;
      }
      code = code << 4 | digit;
    }
    return code;
  }

  /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, of bounded length. */
  private boolean number() {
    int start = i;
    if (d[i] == '-') {
      i++;
    }
    if (i >= d.length) {
      return false;
    }
    if (d[i] == '0') {
      i++;
    } else if (isDigit(d[i])) {
      digits();
    } else {
      return false;
    }
    if (i < d.length && d[i] == '.') {
      i++;
      if (i >= d.length || !isDigit(d[i])) {
        return false;
      }
      digits();
    }
    if (i < d.length && (d[i] == 'e' || d[i] == 'E')) {
      i++;
      if (i < d.length && (d[i] == '+' || d[i] == '-')) {
        i++;
      }
      if (i >= d.length || !isDigit(d[i])) {
        return false;
      }
      digits();
    }
    return i - start <= MAX_NUMBER_BYTES;
  }

  private void digits() {
    while (i < d.length && isDigit(d[i])) {
      i++;
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private boolean literal(byte[] word) {
    if (i + word.length > d.length) {
      return false;
    }
    for (int k = 0; k < word.length; k++) {
      if (d[i + k] != word[k]) {
        return false;
      }
    }
    i += word.length;
    return true;
  }

  private void whitespace() {
    while (i < d.length) {
      byte b = d[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      i++;
    }
  }

  private boolean sameBytes(int aStart, int aEnd, int bStart, int bEnd) {
    if (aEnd - aStart != bEnd - bStart) {
      return false;
    }
    for (int k = 0; k < aEnd - aStart; k++) {
      if (d[aStart + k] != d[bStart + k]) {
        return false;
      }
    }
    return true;
  }
}
