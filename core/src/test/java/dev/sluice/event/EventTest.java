package dev.sluice.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class EventTest {

  private static Event.Builder valid() {
    return Event.builder().id("1").source("/orders").type("orders.created");
  }

  @Test
  void buildsWithRequiredAttributesAndDefaults() {
    Event e = valid().build();

    assertThat(e.specVersion()).isEqualTo("1.0");
    assertThat(e.subject()).isEmpty();
    assertThat(e.dataContentType()).isEmpty();
    assertThat(e.data()).isEmpty();
    assertThat(e.extensions()).isEmpty();
    assertThat(e.key()).isEqualTo(new EventKey("/orders", "1"));
  }

  @Test
  void rejectsMissingIdSourceAndTypeNamingAllOfThem() {
    assertThatThrownBy(() -> Event.builder().build())
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("'id' is missing")
        .hasMessageContaining("'source' is missing")
        .hasMessageContaining("'type' is missing");
    assertThatThrownBy(() -> valid().id("").build())
        .hasMessageContaining("'id' is empty");
  }

  @Test
  void rejectsExtensionNamesTheSpecificationForbids() {
    assertThatThrownBy(() -> valid().extension("Tenant", "a").build())
        .hasMessageContaining("extension name 'Tenant'");
    assertThatThrownBy(() -> valid().extension("tenant-id", "a").build())
        .hasMessageContaining("lower-case ASCII letters or digits");
    assertThatThrownBy(() -> valid().extension("subject", "a").build())
        .hasMessageContaining("reserved");
  }

  @Test
  void isImmutable() {
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    Event e = valid().data(data, "text/plain").build();
    data[0] = 'j';
    e.data()[1] = 'a';

    assertThat(e.dataAsString()).isEqualTo("hello");
    assertThat(e.dataBuffer().isReadOnly()).isTrue();
  }

  @Test
  void carriesThePartitionKeyAsAnExtension() {
    Event e = valid().partitionKey("customer-7").build();

    assertThat(e.partitionKey()).contains("customer-7");
    assertThat(e.extensions()).containsEntry("partitionkey", "customer-7");
  }

  @Test
  void toStringNeverCarriesThePayload() {
    Event e = valid().data("secret-card-number", "text/plain").build();

    assertThat(e.toString()).doesNotContain("secret").contains("18 bytes");
  }

  @Test
  void roundTripsThroughTheCloudEventsSdk() {
    Event e = valid().subject("order-9").time(OffsetDateTime.parse("2026-11-27T10:00:00Z"))
        .dataSchema("https://example.com/schema").data("{\"a\":1}", "application/json")
        .partitionKey("k1").extension("tenant", "acme").build();

    CloudEvent ce = CloudEventMapper.toCloudEvent(e);
    Event back = CloudEventMapper.fromCloudEvent(ce);

    assertThat(ce.getSource().toString()).isEqualTo("/orders");
    assertThat(ce.getExtension("partitionkey")).isEqualTo("k1");
    assertThat(back).isEqualTo(e);
  }

  @Test
  void resultsKeepCodeAndMessageForFailures() {
    Result r = Result.error("1", "NO_ACCOUNT", "account 7 does not exist");

    assertThat(r.isOk()).isFalse();
    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.errorCode()).contains("NO_ACCOUNT");
    assertThat(r.withEventId("2").eventId()).isEqualTo("2");
    assertThatThrownBy(() -> Result.failure("1", Status.OK, "X", "y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Status.OVERLOADED.isRetryable()).isTrue();
    assertThat(Status.INVALID.isRetryable()).isFalse();
  }

  @Test
  void removesExtensionsWhetherOrNotAnyWasSetAndCopiesThemIntoADerivedBuilder() {
    assertThat(valid().extension("tenant", null).build().extensions()).isEmpty();

    Event e = valid().extension("tenant", "acme").extension("region", "eu").build();
    Event derived = e.toBuilder().extension("tenant", null).build();

    assertThat(e.extensions()).containsOnlyKeys("tenant", "region");
    assertThat(derived.extensions()).containsOnlyKeys("region");
    assertThat(valid().build().toBuilder().extension("tenant", "acme").build().extensions())
        .containsOnlyKeys("tenant");
  }
}
