package dev.sluice.internal.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.MergeMode;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event type handled by several processors at once. Each gets the event with the fan-out's
 * deadline; their results merge into one (see {@link MergeMode}). Whatever is still running when
 * the merged result is known (the first success, or the deadline) is cancelled.
 *
 * <p>The merged data is JSON: {@code {"results": [{"processor": "a", "status": "OK",
 * "datacontenttype": "...", "data": ... | "data_base64": "..."}, ...]}} in route order, with
 * {@code code} and {@code message} for failures. The merged status is OK when all are OK; the
 * shared status when all failed alike; otherwise ERROR with code {@code PARTIAL_FAILURE}.
 */
final class FanOutTarget implements Target {
  static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ProcessorLane> lanes;
  private final MergeMode merge;
  private final long timeoutNanos;

  FanOutTarget(List<ProcessorLane> lanes, MergeMode merge, long timeoutNanos) {
    this.lanes = List.copyOf(lanes);
    this.merge = merge;
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public CompletableFuture<Result> submit(Event event, long senderDeadlineNanos) {
    long fanOutDeadline = System.nanoTime() + timeoutNanos;
    long deadline = fanOutDeadline - senderDeadlineNanos < 0 ? fanOutDeadline : senderDeadlineNanos;
    Task[] tasks = new Task[lanes.size()];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = lanes.get(i).submit(event, deadline);
    }
    CompletableFuture<Result> merged = new CompletableFuture<>();
    AtomicInteger remaining = new AtomicInteger(tasks.length);
    for (Task task : tasks) {
      task.whenComplete((r, t) -> {
        if (merge == MergeMode.FIRST_SUCCESS && r != null && r.isOk()) {
          merged.complete(r);
        }
        if (remaining.decrementAndGet() == 0) {
          merged.complete(merge == MergeMode.ALL ? mergeAll(event, tasks) : firstFailure(tasks));
        }
      });
    }
    merged.whenComplete((r, t) -> {
      for (Task task : tasks) {
        if (task.fail(Status.TIMEOUT, "CANCELLED", "cancelled: the fan-out for type '"
            + event.type() + "' already has its result")) {
          task.interruptIfRunning();
        }
      }
    });
    return merged;
  }

  private static Result firstFailure(Task[] tasks) {
    for (Task task : tasks) {
      Result r = task.getNow(null);
      if (r != null && !r.isOk()) {
        return r;
      }
    }
    return tasks[0].getNow(null);
  }

  private Result mergeAll(Event event, Task[] tasks) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode results = root.putArray("results");
    Status shared = null;
    boolean allSame = true;
    int failures = 0;
    StringBuilder messages = new StringBuilder();
    String firstCode = null;
    for (int i = 0; i < tasks.length; i++) {
      Result r = tasks[i].getNow(null);
      ObjectNode node = results.addObject();
      node.put("processor", lanes.get(i).name());
      node.put("status", r.status().name());
      r.dataContentType().ifPresent(ct -> node.put("datacontenttype", ct));
      if (r.hasData()) {
        putData(node, r);
      }
      r.errorCode().ifPresent(c -> node.put("code", c));
      r.errorMessage().ifPresent(m -> node.put("message", m));
      if (shared == null) {
        shared = r.status();
      } else if (shared != r.status()) {
        allSame = false;
      }
      if (!r.isOk()) {
        failures++;
        if (firstCode == null) {
          firstCode = r.errorCode().orElse(r.status().name());
        }
        messages.append(messages.length() == 0 ? "" : "; ").append(lanes.get(i).name())
            .append(": ").append(r.errorMessage().orElse(r.status().name()));
      }
    }
    byte[] data;
    try {
      data = JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode fan-out results", e);
    }
    if (failures == 0) {
      return Result.ok(event.id(), data, CONTENT_TYPE);
    }
    String message = failures + " of " + tasks.length + " processors failed: " + messages;
    return allSame
        ? Result.of(event.id(), shared, data, CONTENT_TYPE, firstCode, message)
        : Result.of(event.id(), Status.ERROR, data, CONTENT_TYPE, "PARTIAL_FAILURE", message);
  }

  private static void putData(ObjectNode node, Result r) {
    String ct = r.dataContentType().orElse("");
    if (ct.startsWith("application/json") || ct.endsWith("+json")) {
      try {
        JsonNode tree = JSON.readTree(r.data());
        node.set("data", tree);
        return;
      } catch (IOException e) {
        // not valid JSON after all: fall back to base64 below
      }
    }
    node.put("data_base64", Base64.getEncoder().encodeToString(r.data()));
  }

  @Override
  public String toString() {
    return merge + lanes.stream().map(ProcessorLane::name).toList().toString();
  }
}
