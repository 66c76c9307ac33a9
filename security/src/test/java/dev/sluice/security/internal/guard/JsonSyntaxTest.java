package dev.sluice.security.internal.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quick well-formedness check against Jackson's strict scan, which it stands in for: it may
 * only accept what Jackson accepts, and it must accept the plain documents most events carry.
 */
class JsonSyntaxTest {
  private static final int MAX_DEPTH = 8;
  private final EventValidator validator = new EventValidator(new ValidationRules(256, 256,
      256, 256, 16, 1 << 20, Set.of("application/json"), MAX_DEPTH, Map.of()));

  @Test
  void acceptsPlainDocumentsOfEveryKind() {
    for (String json : new String[] {"{}", "[]", " {\"payload\":\"0123456789abcdef0123\"} ",
        "{\"a\":1,\"b\":-0.5e+3,\"c\":[true,false,null],\"d\":{\"a\":\"x\"}}", "0", "-0",
        "12.75E-2", "\"just a string\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"",
        "{\"caf\u00e9\":\"\u65e5\u672c\"}", "[[[[[[[[1]]]]]]]]", "\t\r\n[1 , 2\n]"}) {
      byte[] data = json.getBytes(StandardCharsets.UTF_8);
      assertThat(JsonSyntax.plainlyWellFormed(data, MAX_DEPTH)).as(json).isTrue();
      assertThatCode(() -> validator.scanWithJackson(data)).as(json).doesNotThrowAnyException();
    }
  }

  @Test
  void leavesEverythingElseToJackson() {
    for (String json : new String[] {"", " ", "{", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}",
        "[1,]", "{'a':1}", "01", "1.", ".5", "1e", "+1", "-", "NaN", "tru", "nulll", "{} {}",
        "\"a\u0001b\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "[[[[[[[[[1]]]]]]]]]",
        "[" + "9".repeat(101) + "]", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "\uFEFF{}", "[1]]",
        "/* c */ {}"}) {
      assertThat(JsonSyntax.plainlyWellFormed(json.getBytes(StandardCharsets.UTF_8), MAX_DEPTH))
          .as(json).isFalse();
    }
  }

  /**
   * Random documents, as generated and after random edits: whatever the quick check accepts,
   * Jackson accepts; and every generated document that has nothing unusual is accepted.
   */
  @Test
  void acceptsOnlyWhatJacksonAcceptsAndEveryPlainDocument() {
    Random random = new Random(20261127);
    int plain = 0;
    int acceptedEdited = 0;
    for (int n = 0; n < 60_000; n++) {
      Generator g = new Generator(random);
      String json = g.value(0);
      byte[] data = json.getBytes(StandardCharsets.UTF_8);
      boolean quick = JsonSyntax.plainlyWellFormed(data, MAX_DEPTH);
      if (g.plain) {
        plain++;
        assertThat(quick).as("a plain document: %s", json).isTrue();
      }
      if (quick) {
        assertThatCode(() -> validator.scanWithJackson(data)).as(json)
            .doesNotThrowAnyException();
      }
      byte[] edited = edit(random, data);
      if (!isUtf8(edited)) {
        continue; // the validator refuses it before any JSON check
      }
      if (JsonSyntax.plainlyWellFormed(edited, MAX_DEPTH)) {
        acceptedEdited++;
        assertThatCode(() -> validator.scanWithJackson(edited))
            .as(new String(edited, StandardCharsets.UTF_8)).doesNotThrowAnyException();
      }
    }
    assertThat(plain).as("plain documents generated").isGreaterThan(20_000);
    assertThat(acceptedEdited).as("edited documents still accepted").isGreaterThan(1_000);
  }

  private static boolean isUtf8(byte[] data) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(data));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /** One to three edits with bytes that matter to JSON (ASCII: the data is UTF-8 checked). */
  private static byte[] edit(Random random, byte[] data) {
    byte[] alphabet = "{}[]\":,\\/ u0123456789eE+-.tfnalrsx\n\t".getBytes(StandardCharsets.US_ASCII);
    byte[] out = data;
    for (int e = 1 + random.nextInt(3); e > 0; e--) {
      int at = out.length == 0 ? 0 : random.nextInt(out.length + 1);
      byte b = alphabet[random.nextInt(alphabet.length)];
      byte[] next;
      switch (random.nextInt(3)) {
        case 0 -> { // insert
          next = new byte[out.length + 1];
          System.arraycopy(out, 0, next, 0, at);
          next[at] = b;
          System.arraycopy(out, at, next, at + 1, out.length - at);
        }
        case 1 -> { // delete
          if (at == out.length) {
            continue;
          }
          next = new byte[out.length - 1];
          System.arraycopy(out, 0, next, 0, at);
          System.arraycopy(out, at + 1, next, at, out.length - at - 1);
        }
        default -> { // replace
          if (at == out.length) {
            continue;
          }
          next = out.clone();
          next[at] = b;
        }
      }
      out = next;
    }
    return out;
  }

  /** Random JSON; {@link #plain} stays true unless it used what the quick check leaves out. */
  private static final class Generator {
    private final Random random;
    boolean plain = true;

    Generator(Random random) {
      this.random = random;
    }

    String value(int depth) {
      int kind = random.nextInt(depth >= 10 ? 5 : 7);
      return switch (kind) {
        case 0 -> string(false);
        case 1 -> number();
        case 2 -> "true";
        case 3 -> "false";
        case 4 -> "null";
        case 5 -> array(depth + 1);
        default -> object(depth + 1);
      };
    }

    private String array(int depth) {
      deep(depth);
      StringBuilder b = new StringBuilder("[").append(space());
      int n = random.nextInt(4);
      for (int k = 0; k < n; k++) {
        b.append(k > 0 ? "," + space() : "").append(value(depth)).append(space());
      }
      return b.append(']').toString();
    }

    private String object(int depth) {
      deep(depth);
      StringBuilder b = new StringBuilder("{").append(space());
      int n = random.nextInt(5);
      java.util.Set<String> names = new java.util.HashSet<>();
      for (int k = 0; k < n; k++) {
        String name = string(true);
        if (!names.add(name) || name.contains("\\")) {
          plain = false; // a duplicate, or escapes Jackson must compare decoded
        }
        b.append(k > 0 ? "," + space() : "").append(name).append(space()).append(':')
            .append(space()).append(value(depth)).append(space());
      }
      return b.append('}').toString();
    }

    private void deep(int depth) {
      if (depth > MAX_DEPTH) {
        plain = false;
      }
    }

    private String string(boolean name) {
      StringBuilder b = new StringBuilder("\"");
      int n = name ? 1 + random.nextInt(2) : random.nextInt(8);
      for (int k = 0; k < n; k++) {
        int c = random.nextInt(name ? 4 : 14);
        switch (c) {
          case 0, 1, 2 -> b.append((char) ('a' + random.nextInt(3)));
          case 3 -> b.append(random.nextInt(20) == 0 ? "\\u0061" : "b");
          case 4 -> b.append("\\n");
          case 5 -> b.append("\\\"");
          case 6 -> b.append("\\u00e9");
          case 7 -> b.append('\u00e9');
          case 8 -> b.append("\u65e5");
          case 9 -> {
            b.append("\\ud83d\\ude00"); // a pair: only Jackson judges surrogate escapes
            plain = false;
          }
          default -> b.append((char) ('0' + random.nextInt(10)));
        }
      }
      return b.append('"').toString();
    }

    private String number() {
      StringBuilder b = new StringBuilder();
      if (random.nextBoolean()) {
        b.append('-');
      }
      b.append(random.nextInt(4) == 0 ? "0" : Integer.toString(1 + random.nextInt(100_000)));
      if (random.nextBoolean()) {
        b.append('.').append(random.nextInt(1000));
      }
      if (random.nextInt(3) == 0) {
        b.append(random.nextBoolean() ? 'e' : 'E').append("+-".charAt(random.nextInt(2)))
            .append(random.nextInt(300));
      }
      return b.toString();
    }

    private String space() {
      return switch (random.nextInt(6)) {
        case 0 -> " ";
        case 1 -> "\n\t";
        default -> "";
      };
    }
  }
}
