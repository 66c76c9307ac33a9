package dev.sluice.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SharedDataTest {
  private static final byte[] JSON = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);

  private static Event.Builder event() {
    return Event.builder().id("1").source("/orders").type("orders.created");
  }

  @Test
  void readsAnEventsDataWithoutCopyingItWhileItsAccessorStillCopies() {
    Event e = event().data(JSON, "application/json").build();

    byte[] shared = SharedData.of(e);

    assertThat(shared).isEqualTo(JSON).isSameAs(SharedData.of(e));
    assertThat(e.data()).isEqualTo(JSON).isNotSameAs(shared);
  }

  @Test
  void readsAResultsDataWithoutCopyingIt() {
    Result r = Result.ok("1", JSON, "application/json");

    assertThat(SharedData.of(r)).isEqualTo(JSON).isSameAs(SharedData.of(r));
    assertThat(r.data()).isNotSameAs(SharedData.of(r));
  }

  @Test
  void adoptsAnArrayAsTheEventsDataAndTreatsAnEmptyOneAsNoData() {
    byte[] decoded = JSON.clone();

    Event adopted = SharedData.adopt(event(), decoded).build();
    Event empty = SharedData.adopt(event(), new byte[0]).build();
    Event none = SharedData.adopt(event(), null).build();

    assertThat(SharedData.of(adopted)).isSameAs(decoded);
    assertThat(adopted).isEqualTo(event().data(JSON).build());
    assertThat(empty.hasData()).isFalse();
    assertThat(none.hasData()).isFalse();
    assertThat(SharedData.of(none)).isEmpty();
  }

  @Test
  void anEventWithoutDataSharesAnEmptyArray() {
    assertThat(SharedData.of(event().build())).isEmpty();
    assertThat(SharedData.of(Result.ok("1"))).isEmpty();
  }
}
