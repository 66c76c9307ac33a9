package dev.sluice.internal.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import org.junit.jupiter.api.Test;

class CompletedResultsTest {

  @Test
  void resultsOfDifferentSourcesAndContentTypesKeepTheirOwn() {
    // consecutive puts with the same source and content type objects reuse their bytes; a
    // different object, equal or not, is encoded anew
    CompletedResults results = new CompletedResults(16);
    String json = "application/json";
    results.put(new EventKey("/a", "1"), Result.ok("1", new byte[] {1}, json), 0);
    results.put(new EventKey("/a", "2"), Result.ok("2", new byte[] {2}, json), 0);
    results.put(new EventKey(new String("/a"), "3"), Result.ok("3", new byte[] {3},
        "text/plain"), 0);
    results.put(new EventKey("/b", "1"), Result.ok("1", new byte[] {4}, json), 0);

    assertThat(results.get(new EventKey("/a", "1")).dataContentType()).hasValue(json);
    assertThat(results.get(new EventKey("/a", "2")).data()).containsExactly(2);
    assertThat(results.get(new EventKey("/a", "3")).dataContentType()).hasValue("text/plain");
    assertThat(results.get(new EventKey("/b", "1")).data()).containsExactly(4);
    assertThat(results.get(new EventKey("/b", "2"))).isNull();
  }
}
