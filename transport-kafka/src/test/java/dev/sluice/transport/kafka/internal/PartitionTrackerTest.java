package dev.sluice.transport.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {
  private final PartitionTracker tracker = new PartitionTracker(new TopicPartition("t", 0));

  @Test
  void nothingReceivedHasNoPosition() {
    assertThat(tracker.position()).isEqualTo(-1);
    assertThat(tracker.hasNewPosition()).isFalse();
  }

  @Test
  void positionStopsAtTheLowestEventNotYetCompleted() {
    for (long o = 10; o <= 14; o++) {
      tracker.received(o);
    }
    tracker.completed(11);
    tracker.completed(13);
    assertThat(tracker.position()).as("10 is still running").isEqualTo(10);
    tracker.completed(10);
    assertThat(tracker.position()).as("11 done, 12 running").isEqualTo(12);
    tracker.completed(12);
    tracker.completed(14);
    assertThat(tracker.position()).as("all done: the next offset").isEqualTo(15);
    assertThat(tracker.active()).isZero();
  }

  @Test
  void offsetGapsOfCompactedTopicsDoNotHoldThePositionBack() {
    tracker.received(3);
    tracker.received(7);
    tracker.completed(3);
    assertThat(tracker.position()).isEqualTo(7);
  }

  @Test
  void abandonedEventKeepsThePositionBelowIt() {
    tracker.received(0);
    tracker.received(1);
    tracker.abandoned();
    tracker.completed(1);
    assertThat(tracker.active()).isZero();
    assertThat(tracker.position()).as("0 was abandoned, never completed").isEqualTo(0);
  }

  @Test
  void heldOffsetCapsThePosition() {
    tracker.received(0);
    tracker.completed(0);
    tracker.hold(1);
    assertThat(tracker.isHeld()).isTrue();
    assertThat(tracker.position()).isEqualTo(1);
  }

  @Test
  void positionIsReportedOnlyWhenItMoved() {
    tracker.received(0);
    tracker.completed(0);
    assertThat(tracker.hasNewPosition()).isTrue();
    tracker.committedAt(tracker.position());
    assertThat(tracker.hasNewPosition()).isFalse();
  }

  @Test
  void awaitIdleReturnsWhenTheLastEventOfARevokedPartitionFinishes() throws Exception {
    tracker.received(0);
    tracker.revoke();
    Thread finisher = new Thread(() -> tracker.completed(0));
    finisher.start();
    assertThat(tracker.awaitIdle(java.util.concurrent.TimeUnit.SECONDS.toNanos(30))).isTrue();
    finisher.join();
  }

  @Test
  void awaitIdleGivesUpAtItsBound() throws Exception {
    tracker.received(0);
    tracker.revoke();
    assertThat(tracker.awaitIdle(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20)))
        .isFalse();
  }
}
