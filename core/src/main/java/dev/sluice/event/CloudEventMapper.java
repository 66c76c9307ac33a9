package dev.sluice.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between {@link Event} and the CloudEvents Java SDK's {@link CloudEvent}, so that a
 * transport can use the SDK's protocol bindings (Kafka, AMQP, JSON format) unchanged.
 */
public final class CloudEventMapper {
  private CloudEventMapper() {
  }

  /** The SDK view of an event. The event's source must be a valid URI reference. */
  public static CloudEvent toCloudEvent(Event event) {
    CloudEventBuilder b = CloudEventBuilder.v1()
        .withId(event.id())
        .withSource(URI.create(event.source()))
        .withType(event.type());
    event.subject().ifPresent(b::withSubject);
    event.time().ifPresent(b::withTime);
    event.dataSchema().ifPresent(s -> b.withDataSchema(URI.create(s)));
    if (event.hasData() || event.dataContentType().isPresent()) {
      b.withData(event.dataContentType().orElse(null), event.data());
    }
    event.extensions().forEach(b::withExtension);
    return b.build();
  }

  /**
   * An event from the SDK's representation. Extension values are kept in their canonical string
   * form; a problem with any attribute is reported with all the others in one exception.
   */
  public static Event fromCloudEvent(CloudEvent ce) {
    List<String> problems = new ArrayList<>(0);
    if (ce.getSpecVersion() == null || !Event.SPEC_VERSION.equals(ce.getSpecVersion().toString())) {
      problems.add("'specversion' must be " + Event.SPEC_VERSION + " but was "
          + ce.getSpecVersion());
    }
    Event.Builder b = Event.builder()
        .id(ce.getId())
        .source(ce.getSource() == null ? null : ce.getSource().toString())
        .type(ce.getType())
        .subject(ce.getSubject())
        .time(ce.getTime())
        .dataContentType(ce.getDataContentType())
        .dataSchema(ce.getDataSchema() == null ? null : ce.getDataSchema().toString());
    CloudEventData data = ce.getData();
    if (data != null) {
      b.data(data.toBytes());
    }
    for (String name : ce.getExtensionNames()) {
      Object value = ce.getExtension(name);
      b.extension(name, value == null ? null : value.toString());
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventException(problems);
    }
    return b.build();
  }
}
