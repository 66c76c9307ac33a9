package dev.sluice.transport.netty.internal;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.spi.SharedData;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps events and results to frames and back, following the attribute rules of
 * docs/protocol.md: the CloudEvents context attributes by their names, extensions by theirs,
 * {@code time} as RFC 3339 text, {@code specversion} exactly {@code 1.0}.
 */
public final class EventMapping {
  /** Up to this many attributes, duplicates are found by comparing names, not by a set. */
  private static final int LINEAR_DUPLICATE_CHECK = 16;

  private EventMapping() {
  }

  /** True when {@code name} is among the attribute names before index {@code end}. */
  private static boolean appearsBefore(List<String> attributes, int end, String name) {
    for (int j = 0; j < end; j += 2) {
      if (attributes.get(j).equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The attributes of {@code event} in canonical wire order. */
  public static List<String> attributes(Event event) {
    List<String> a = new ArrayList<>(16 + event.extensions().size() * 2);
    a.add("id");
    a.add(event.id());
    a.add("source");
    a.add(event.source());
    a.add("specversion");
    a.add(event.specVersion());
    a.add("type");
    a.add(event.type());
    event.subject().ifPresent(v -> add(a, "subject", v));
    event.time().ifPresent(v -> add(a, "time", v.toString()));
    event.dataContentType().ifPresent(v -> add(a, "datacontenttype", v));
    event.dataSchema().ifPresent(v -> add(a, "dataschema", v));
    for (Map.Entry<String, String> e : event.extensions().entrySet()) {
      add(a, e.getKey(), e.getValue());
    }
    return a;
  }

  private static void add(List<String> a, String name, String value) {
    a.add(name);
    a.add(value);
  }

  public static Frame.EventFrame toFrame(int correlationId, long timeoutMillis, Event event) {
    // shared, not copied: the encoder only reads it, and a request re-sent is encoded anew
    return new Frame.EventFrame(correlationId, timeoutMillis, attributes(event),
        SharedData.of(event));
  }

  /**
   * The event a frame carries.
   *
   * @throws InvalidEventException listing every problem, each naming its attribute
   */
  public static Event toEvent(Frame.EventFrame frame) {
    Event.Builder b = Event.builder();
    List<String> problems = new ArrayList<>(0);
    List<String> a = frame.attributes();
    // a handful of attributes is usual: compare with the earlier names instead of hashing
    Set<String> seen = a.size() > 2 * LINEAR_DUPLICATE_CHECK ? new HashSet<>() : null;
    boolean specVersion = false;
    for (int i = 0; i < a.size(); i += 2) {
      String name = a.get(i);
      String value = a.get(i + 1);
      if (seen != null ? !seen.add(name) : appearsBefore(a, i, name)) {
        problems.add("attribute '" + name + "' appears more than once");
        continue;
      }
      switch (name) {
        case "id" -> b.id(value);
        case "source" -> b.source(value);
        case "type" -> b.type(value);
        case "specversion" -> {
          specVersion = true;
          if (!Event.SPEC_VERSION.equals(value)) {
            problems.add("'specversion' must be " + Event.SPEC_VERSION + ", got '" + value + "'");
          }
        }
        case "subject" -> b.subject(value);
        case "time" -> {
          try {
            b.time(OffsetDateTime.parse(value));
          } catch (DateTimeParseException e) {
            problems.add("'time' must be an RFC 3339 timestamp such as "
                + "2026-11-27T12:00:00Z, got '" + value + "'");
          }
        }
        case "datacontenttype" -> b.dataContentType(value);
        case "dataschema" -> b.dataSchema(value);
        case "data", "data_base64" -> problems.add("'" + name
            + "' is not an attribute: data travels in the frame's data field");
        default -> b.extension(name, value);
      }
    }
    if (!specVersion) {
      problems.add("'specversion' is missing");
    }
    SharedData.adopt(b, frame.data()); // decoded for this event alone: no copy
    try {
      Event event = b.build();
      if (problems.isEmpty()) {
        return event;
      }
    } catch (InvalidEventException e) {
      problems.addAll(0, e.problems());
    }
    throw new InvalidEventException(problems);
  }

  public static Frame.ResultFrame toFrame(int correlationId, Result r) {
    return new Frame.ResultFrame(correlationId, r.status(), r.eventId(),
        r.dataContentType().orElse(null), r.errorCode().orElse(null),
        r.errorMessage().orElse(null), SharedData.of(r));
  }

  public static Result toResult(Frame.ResultFrame f) {
    return Result.of(f.eventId(), f.status(), f.data(), f.contentType(), f.code(), f.message());
  }
}
