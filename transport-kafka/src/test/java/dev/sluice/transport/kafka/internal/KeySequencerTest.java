package dev.sluice.transport.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeySequencerTest {
  private final KeySequencer<String> sequencer = new KeySequencer<>();

  @Test
  void sameKeyWaitsInArrivalOrderWhileOtherKeysStartAtOnce() {
    assertThat(sequencer.offer("a", "a1")).isTrue();
    assertThat(sequencer.offer("a", "a2")).isFalse();
    assertThat(sequencer.offer("b", "b1")).isTrue();
    assertThat(sequencer.offer("a", "a3")).isFalse();
    assertThat(sequencer.waiting()).isEqualTo(2);

    assertThat(sequencer.finished("a")).isEqualTo("a2");
    assertThat(sequencer.finished("b")).isNull();
    assertThat(sequencer.finished("a")).isEqualTo("a3");
    assertThat(sequencer.finished("a")).isNull();
    assertThat(sequencer.offer("a", "a4")).as("the key is free again").isTrue();
  }

  @Test
  void nullKeyIsNeverHeldBack() {
    assertThat(sequencer.offer(null, "x")).isTrue();
    assertThat(sequencer.offer(null, "y")).isTrue();
    assertThat(sequencer.finished(null)).isNull();
  }

  @Test
  void removeWaitingLeavesTheRunningItem() {
    sequencer.offer("a", "drop-running");
    sequencer.offer("a", "drop-1");
    sequencer.offer("a", "keep");
    assertThat(sequencer.removeWaiting(s -> s.startsWith("drop"))).containsExactly("drop-1");
    assertThat(sequencer.finished("a")).isEqualTo("keep");
  }
}
