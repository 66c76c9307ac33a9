package dev.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMappingTest {
  private static List<String> attributes(int extensions) {
    List<String> a = new ArrayList<>(List.of("id", "e-1", "source", "/test", "specversion", "1.0",
        "type", "test.mapping"));
    for (int i = 0; i < extensions; i++) {
      a.add("ext" + i);
      a.add("v" + i);
    }
    return a;
  }

  @Test
  void anAttributeSentTwiceIsRefusedWithFewAttributesAndWithMany() {
    for (int extensions : new int[] {1, 30}) {
      List<String> a = attributes(extensions);
      a.add("ext0");
      a.add("again");

      assertThatThrownBy(() -> EventMapping.toEvent(new Frame.EventFrame(1, 0, a, new byte[0])))
          .as("%d extensions", extensions)
          .isInstanceOf(InvalidEventException.class)
          .hasMessageContaining("attribute 'ext0' appears more than once");
    }
  }

  @Test
  void manyDistinctAttributesAllArrive() {
    Event event = EventMapping.toEvent(new Frame.EventFrame(1, 0, attributes(30), new byte[0]));

    assertThat(event.extensions()).hasSize(30).containsEntry("ext29", "v29");
  }
}
