package dev.sluice.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.CliContext;
import dev.sluice.cli.ExitCodes;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventClient;
import dev.sluice.store.jdbc.DeadLetterQuery;
import dev.sluice.store.jdbc.DeadLetters;
import dev.sluice.store.jdbc.StoredDeadLetter;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice dlq list|show|replay|purge}: the events that failed after their retries, kept by
 * the store with their last error, attempt count and times.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Lists, inspects, replays and removes dead letters: events that failed after"
        + " their retries, kept in the store.",
        "Exit 0 when done, 1 when something was refused or a replay did not end OK, 2 for usage"
            + " or configuration errors, 3 when the store or the server cannot be reached."},
    subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class,
        DlqCommand.Purge.class})
public final class DlqCommand implements Runnable {
  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** The filters {@code list}, {@code replay} and {@code purge} share. */
  static final class Filters {
    @Option(names = "--processor", paramLabel = "NAME",
        description = "Only letters of this configured processor.")
    String processor;

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE",
        description = "Only events of this type.")
    String type;

    @Option(names = {"-s", "--source"}, paramLabel = "SOURCE",
        description = "Only events from this source.")
    String source;

    @Option(names = "--before", paramLabel = "INSTANT",
        description = "Only letters whose last failure was before this time (ISO-8601, such as"
            + " 2026-11-27T12:00:00Z).")
    Instant before;

    boolean any() {
      return processor != null || type != null || source != null || before != null;
    }

    DeadLetterQuery query() {
      DeadLetterQuery q = DeadLetterQuery.all();
      if (processor != null) {
        q = q.processor(processor);
      }
      if (type != null) {
        q = q.type(type);
      }
      if (source != null) {
        q = q.source(source);
      }
      if (before != null) {
        q = q.failedBefore(before);
      }
      return q;
    }
  }

  /** What the subcommands share: the configuration, and the store it names. */
  abstract static class DlqAction implements Callable<Integer> {
    final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    DlqAction(CliContext context) {
      this.context = context;
    }

    @Override
    public final Integer call() throws Exception {
      Logging.quietUnlessAsked(context.environment());
      SluiceConfig loaded = config.load(context);
      try (AdminSession session = AdminSession.open(loaded, context)) {
        return run(loaded, session.store().deadLetters(), spec.commandLine().getOut());
      } finally {
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
      }
    }

    abstract int run(SluiceConfig config, DeadLetters letters, PrintWriter out) throws Exception;
  }

  /** {@code sluice dlq list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class,
      description = "Lists dead letters, oldest first: id, last failure, processor, event type"
          + " and id, attempts, error.")
  static final class ListLetters extends DlqAction {
    @Mixin
    Filters filters;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
        description = "At most N letters (default: ${DEFAULT-VALUE}, at most 1000).")
    int limit;

    @Option(names = "--after", paramLabel = "ID",
        description = "Only letters with an id above ID: the next page after a listing.")
    Long after;

    @Option(names = "--json", description = "One JSON object per letter, one per line.")
    boolean json;

    ListLetters(CliContext context) {
      super(context);
    }

    @Override
    int run(SluiceConfig config, DeadLetters letters, PrintWriter out) {
      if (limit < 1 || limit > DeadLetterQuery.MAX_LIMIT) {
        throw new UsageException("--limit must be from 1 to " + DeadLetterQuery.MAX_LIMIT
            + ", got " + limit);
      }
      DeadLetterQuery query = filters.query().limit(limit);
      if (after != null) {
        query = query.afterId(after);
      }
      List<StoredDeadLetter> page = letters.list(query);
      for (StoredDeadLetter d : page) {
        if (json) {
          out.println(Json.write(toMap(d)));
        } else {
          DeadLetter l = d.letter();
          out.println(d.id() + "  " + l.lastFailure() + "  " + l.processor() + "  "
              + l.event().type() + "  " + l.event().id() + "  attempts " + l.attempts() + "  "
              + l.failure().status() + " " + l.failure().errorCode().orElse("") + ": "
              + l.failure().errorMessage().orElse(""));
        }
      }
      if (!json) {
        long total = letters.count(filters.query());
        out.println(page.size() + " of " + total + " dead letters"
            + (page.size() < total && !page.isEmpty() ? "; next page: --after "
                + page.get(page.size() - 1).id() : ""));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code sluice dlq show ID}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class,
      description = "Prints one dead letter as JSON: the event as received (data included), the"
          + " processor, the last failure, the attempts and their times.")
  static final class Show extends DlqAction {
    @Parameters(index = "0", paramLabel = "ID", description = "The letter's id, from 'list'.")
    long id;

    Show(CliContext context) {
      super(context);
    }

    @Override
    int run(SluiceConfig config, DeadLetters letters, PrintWriter out) {
      Optional<StoredDeadLetter> letter = letters.show(id);
      if (letter.isEmpty()) {
        spec.commandLine().getErr().println("sluice dlq show: no dead letter " + id
            + "; 'sluice dlq list' shows which exist");
        return ExitCodes.RESULT_ERROR;
      }
      out.println(Json.write(toMap(letter.get())));
      return ExitCodes.OK;
    }
  }

  /** {@code sluice dlq replay}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class,
      description = {"Sends dead letters' original events to the running server again, through"
          + " the configured transport, and removes each letter whose replay ends OK.",
          "A letter whose replay fails stays (the server may add a new letter for it)."})
  static final class Replay extends DlqAction {
    @Parameters(paramLabel = "ID", arity = "0..*",
        description = "The letters to replay; or use filters, or --all.")
    List<Long> ids = new ArrayList<>();

    @Mixin
    Filters filters;

    @Option(names = "--all", description = "Replay every letter (up to --limit).")
    boolean all;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
        description = "At most N letters per run (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
        converter = DurationConverter.class,
        description = "How long to wait for each result (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    ClientOptions login;

    Replay(CliContext context) {
      super(context);
    }

    @Override
    int run(SluiceConfig config, DeadLetters letters, PrintWriter out) throws Exception {
      if (ids.isEmpty() && !filters.any() && !all) {
        throw new UsageException("say which letters to replay: their ids, filters such as"
            + " --processor, or --all");
      }
      List<StoredDeadLetter> chosen = new ArrayList<>();
      if (!ids.isEmpty()) {
        for (long id : ids) {
          StoredDeadLetter d = letters.show(id).orElseThrow(() -> new UsageException(
              "no dead letter " + id + "; 'sluice dlq list' shows which exist"));
          chosen.add(d);
        }
      } else {
        chosen.addAll(letters.list(filters.query().limit(Math.min(limit,
            DeadLetterQuery.MAX_LIMIT))));
      }
      int ok = 0;
      int unavailable = 0;
      try (Plugins plugins = ConfigOption.plugins(config, context);
          EventClient client = ClientOptions.open(config, plugins, context,
              login.credentials(config, context))) {
        for (StoredDeadLetter d : chosen) {
          Result r = client.send(d.letter().event(), timeout).toCompletableFuture()
              .get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
          if (r.isOk()) {
            letters.delete(d.id());
            ok++;
          } else if (r.status() == Status.UNAVAILABLE) {
            unavailable++;
          }
          out.println(d.id() + "  " + r.status() + (r.isOk() ? "  removed" : "  kept: "
              + r.errorCode().orElse("") + " " + r.errorMessage().orElse("")));
        }
      }
      out.println("replayed " + chosen.size() + ": " + ok + " OK and removed, "
          + (chosen.size() - ok) + " kept");
      if (ok == chosen.size()) {
        return ExitCodes.OK;
      }
      return unavailable == chosen.size() - ok && ok == 0 ? ExitCodes.UNAVAILABLE
          : ExitCodes.RESULT_ERROR;
    }
  }

  /** {@code sluice dlq purge}. */
  @Command(name = "purge", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class,
      description = "Removes dead letters: those with the given ids, those matching the filters,"
          + " or with --all every one.")
  static final class Purge extends DlqAction {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "The letters to remove.")
    List<Long> ids = new ArrayList<>();

    @Mixin
    Filters filters;

    @Option(names = "--all", description = "Remove every letter.")
    boolean all;

    Purge(CliContext context) {
      super(context);
    }

    @Override
    int run(SluiceConfig config, DeadLetters letters, PrintWriter out) {
      if (ids.isEmpty() && !filters.any() && !all) {
        throw new UsageException("say which letters to remove: their ids, filters such as"
            + " --processor, or --all");
      }
      int removed = 0;
      if (!ids.isEmpty()) {
        for (long id : ids) {
          if (letters.delete(id)) {
            removed++;
          }
        }
      } else {
        removed = letters.purge(filters.query());
      }
      out.println("removed " + removed + " dead letters");
      return ExitCodes.OK;
    }
  }

  /** A letter as plain maps, for JSON. */
  static Map<String, Object> toMap(StoredDeadLetter d) {
    DeadLetter l = d.letter();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("processor", l.processor());
    m.put("attempts", l.attempts());
    m.put("first_failure", l.firstFailure().toString());
    m.put("last_failure", l.lastFailure().toString());
    Map<String, Object> failure = new LinkedHashMap<>();
    failure.put("status", l.failure().status().name());
    l.failure().errorCode().ifPresent(c -> failure.put("code", c));
    l.failure().errorMessage().ifPresent(msg -> failure.put("message", msg));
    m.put("failure", failure);
    m.put("event", eventMap(l.event()));
    return m;
  }

  private static Map<String, Object> eventMap(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("source", e.source());
    m.put("type", e.type());
    m.put("specversion", e.specVersion());
    e.subject().ifPresent(s -> m.put("subject", s));
    e.time().ifPresent(t -> m.put("time", t.toString()));
    m.putAll(e.extensions());
    if (e.hasData()) {
      String type = e.dataContentType().orElse(null);
      if (type != null) {
        m.put("datacontenttype", type);
      }
      JsonNode json = null;
      if (Json.isJson(type)) {
        try {
          json = Json.parse(e.data());
        } catch (IOException notJson) {
          json = null;
        }
      }
      if (json != null) {
        m.put("data", json);
      } else {
        m.put("data_base64", Base64.getEncoder().encodeToString(e.data()));
      }
    }
    return m;
  }
}
