package dev.sluice.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pause decision when lanes report their marks late and out of order. */
class PressureControllerTest {
  private final PressureController controller = new PressureController();
  private final RecordingSource source = new RecordingSource();

  PressureControllerTest() {
    controller.register(source);
  }

  @Test
  void aFullLanePausesAndADrainedOneResumes() {
    Lane lane = new Lane("a", 64);
    lane.depth = 48;
    controller.saturated(lane);
    assertThat(source.calls).containsExactly("pause");
    lane.depth = 16;
    controller.relieved(lane);
    assertThat(source.calls).containsExactly("pause", "resume");
    assertThat(controller.isPaused()).isFalse();
  }

  @Test
  void aReliefReportedAfterTheQueueFilledAgainDoesNotResume() {
    Lane lane = new Lane("a", 64);
    lane.depth = 48;
    controller.saturated(lane);
    // the worker that drained it to 16 was preempted; the queue is full again when it reports
    lane.depth = 60;
    controller.relieved(lane);
    assertThat(controller.isPaused()).isTrue();
    assertThat(source.calls).containsExactly("pause");
    lane.depth = 16;
    controller.relieved(lane);
    assertThat(source.calls).containsExactly("pause", "resume");
  }

  @Test
  void aSaturationReportedAfterTheQueueDrainedDoesNotPause() {
    Lane lane = new Lane("a", 64);
    lane.depth = 10;
    controller.saturated(lane);
    assertThat(controller.isPaused()).isFalse();
    assertThat(source.calls).isEmpty();
  }

  @Test
  void intakeStaysPausedUntilEverySaturatedLaneIsRelieved() {
    Lane a = new Lane("a", 64);
    Lane b = new Lane("b", 8);
    a.depth = 48;
    b.depth = 6;
    controller.saturated(a);
    controller.saturated(b);
    a.depth = 0;
    controller.relieved(a);
    assertThat(controller.isPaused()).isTrue();
    b.depth = 2;
    controller.relieved(b);
    assertThat(controller.isPaused()).isFalse();
    assertThat(source.calls).containsExactly("pause", "resume");
    assertThat(controller.pauses()).isEqualTo(1);
  }

  /** A lane with the marks ProcessorLane uses: three quarters and one quarter full. */
  private static final class Lane implements QueuePressure {
    private final String name;
    private final int capacity;
    int depth;

    Lane(String name, int capacity) {
      this.name = name;
      this.capacity = capacity;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean atHighWater() {
      return depth >= capacity - capacity / 4;
    }

    @Override
    public boolean atLowWater() {
      return depth <= capacity / 4;
    }
  }
}
