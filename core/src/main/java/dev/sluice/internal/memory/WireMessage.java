package dev.sluice.internal.memory;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory transport's "wire format": a map of CloudEvents attribute names to string values,
 * with {@code data} as a byte array. Decoding validates it as strictly as a network frame.
 */
final class WireMessage {
  private WireMessage() {
  }

  static Map<String, Object> encode(Event event) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", event.id());
    m.put("source", event.source());
    m.put("type", event.type());
    m.put("specversion", event.specVersion());
    event.subject().ifPresent(v -> m.put("subject", v));
    event.time().ifPresent(v -> m.put("time", v.toString()));
    event.dataContentType().ifPresent(v -> m.put("datacontenttype", v));
    event.dataSchema().ifPresent(v -> m.put("dataschema", v));
    if (event.hasData()) {
      m.put("data", event.data());
    }
    m.putAll(event.extensions());
    return m;
  }

  /** Approximate encoded size: attribute names and values in UTF-8, plus the data. */
  static long size(Map<String, Object> m) {
    long n = 0;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      n += e.getKey().length();
      Object v = e.getValue();
      if (v instanceof byte[]) {
        n += ((byte[]) v).length;
      } else if (v != null) {
        n += v.toString().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return n;
  }

  /** The event, or an {@link InvalidEventException} listing every problem. */
  static Event decode(Map<String, Object> m) {
    List<String> problems = new ArrayList<>();
    Event.Builder b = Event.builder();
    Object spec = m.get("specversion");
    if (!Event.SPEC_VERSION.equals(spec)) {
      problems.add("'specversion' must be " + Event.SPEC_VERSION + " but was " + spec);
    }
    for (Map.Entry<String, Object> e : m.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      if (name == null) {
        problems.add("an attribute has no name");
        continue;
      }
      if (name.equals("data")) {
        if (value instanceof byte[]) {
          b.data((byte[]) value);
        } else {
          problems.add("'data' must be bytes");
        }
        continue;
      }
      if (!(value instanceof String)) {
        problems.add("'" + name + "' must be a string");
        continue;
      }
      String s = (String) value;
      switch (name) {
        case "id" -> b.id(s);
        case "source" -> b.source(s);
        case "type" -> b.type(s);
        case "subject" -> b.subject(s);
        case "datacontenttype" -> b.dataContentType(s);
        case "dataschema" -> b.dataSchema(s);
        case "time" -> {
          try {
            b.time(OffsetDateTime.parse(s));
          } catch (DateTimeParseException ex) {
            problems.add("'time' must be an RFC 3339 timestamp but was '" + s + "'");
          }
        }
        case "specversion" -> { }
        default -> b.extension(name, s);
      }
    }
    try {
      Event event = b.build();
      if (!problems.isEmpty()) {
        throw new InvalidEventException(problems);
      }
      return event;
    } catch (InvalidEventException ex) {
      if (problems.isEmpty()) {
        throw ex;
      }
      List<String> all = new ArrayList<>(problems);
      all.addAll(ex.problems());
      throw new InvalidEventException(all);
    }
  }
}
