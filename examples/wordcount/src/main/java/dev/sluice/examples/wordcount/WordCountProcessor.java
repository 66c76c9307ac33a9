package dev.sluice.examples.wordcount;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.ProcessorContext;
import io.micrometer.core.instrument.DistributionSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Counts the words of a text and lists the ten most frequent.
 *
 * <pre>
 *  event  {type: example.wordcount, data: {"text": "The cat saw the dog."}}
 *  result {status: OK, datacontenttype: application/json,
 *          data: {"words": 5, "top": [["the", 2], ["cat", 1], ["dog", 1], ["saw", 1]]}}
 * </pre>
 *
 * <p><b>What a word is.</b> A word is a maximal run of word characters: Unicode letters (general
 * category L), combining marks (M) and decimal digits (Nd). An apostrophe ({@code '} or
 * {@code ’}, U+2019) between two word characters belongs to the word, so {@code don't} and
 * {@code o’clock} are one word each, and {@code ’} is counted as {@code '}. Everything else
 * separates words: spaces, punctuation, hyphens ({@code well-known} is two words), underscores,
 * symbols and emoji. Words are compared after {@link String#toLowerCase(Locale)} with
 * {@link Locale#ROOT}, so {@code The} and {@code the} are the same word whatever the server's
 * locale.
 *
 * <p><b>Result.</b> {@code words} is the number of words, repeats included; {@code top} holds
 * up to ten {@code [word, count]} pairs, most frequent first, words with the same count in
 * {@link String#compareTo} order (alphabetical for ASCII).
 *
 * <p><b>Errors.</b> Data that is not a JSON object with a string {@code text} gets an
 * {@code INVALID} result with code {@code BAD_INPUT}; other fields are ignored, so senders may
 * add their own. A text longer than the {@value #MAX_TEXT_CHARS} setting gets {@code INVALID}
 * with code {@code TEXT_TOO_LONG}: the limit bounds the time and memory one event can take. (The
 * transport already bounds the size of the whole event; this limit is the processor's own.)
 *
 * <p><b>Settings.</b>
 * <pre>{@code
 * settings:
 *   max-text-chars: 1000000     # longest text accepted, in UTF-16 chars (String.length())
 * }</pre>
 * An unknown key or a bad value fails every event with {@code ERROR} code {@code BAD_SETTINGS}
 * and a message naming the key and its line.
 *
 * <p><b>Metrics.</b> Records the word count of each text in the distribution summary
 * {@code sluice.processor.<name>.words}.
 *
 * <p>Thread-safe and stateless: the settings are read with each event (a map lookup), so one
 * instance serves any {@code concurrency}.
 */
public final class WordCountProcessor implements EventProcessor {
  /** The event type this processor is usually routed. */
  public static final String TYPE = "example.wordcount";
  /** Settings key: the longest {@code text} accepted, in chars. */
  public static final String MAX_TEXT_CHARS = "max-text-chars";
  /** Default of {@value #MAX_TEXT_CHARS}. */
  public static final int DEFAULT_MAX_TEXT_CHARS = 1_000_000;
  /** How many words {@code top} lists at most. */
  public static final int TOP_SIZE = 10;

  private static final String EXPECTED = "expected a JSON object such as {\"text\": \"...\"}";
  private static final Comparator<Map.Entry<String, Integer>> MOST_FREQUENT_FIRST =
      Map.Entry.<String, Integer>comparingByValue().reversed()
          .thenComparing(Map.Entry.comparingByKey());

  // Strict parsing: "{...} trailing garbage" and duplicate keys are errors, not silently half-read.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  @Override
  public Result process(Event event, ProcessorContext context) throws ProcessingException {
    int maxTextChars = maxTextChars(context.settings());

    JsonNode data;
    try {
      data = event.hasData() ? JSON.readTree(event.data()) : null;
    } catch (JsonProcessingException e) {
      return badInput(event, "data is not valid JSON (" + e.getOriginalMessage() + "); "
          + EXPECTED);
    } catch (IOException e) {
      throw new IllegalStateException("reading from a byte array cannot fail", e);
    }
    if (data == null || data.isMissingNode()) {
      return badInput(event, "data is empty; " + EXPECTED);
    }
    if (!data.isObject()) {
      return badInput(event, "data is a JSON " + describe(data) + "; " + EXPECTED);
    }
    JsonNode text = data.get("text");
    if (text == null) {
      return badInput(event, "data has no \"text\" field; " + EXPECTED);
    }
    if (!text.isTextual()) {
      return badInput(event, "\"text\" is a JSON " + describe(text) + ", not a string; "
          + EXPECTED);
    }
    String value = text.textValue();
    if (value.length() > maxTextChars) {
      return Result.failure(event.id(), Status.INVALID, "TEXT_TOO_LONG", "\"text\" has "
          + value.length() + " characters, more than the " + maxTextChars + " allowed (setting "
          + MAX_TEXT_CHARS + "); split it into several events");
    }

    WordCount count = WordCount.of(value);
    DistributionSummary.builder("sluice.processor." + context.processorName() + ".words")
        .description("words per text")
        .register(context.metrics())
        .record(count.words());
    return Result.ok(event.id(), toJson(count), "application/json");
  }

  private static int maxTextChars(Settings settings) throws ProcessingException {
    try {
      settings.requireOnly(Set.of(MAX_TEXT_CHARS));
      int max = settings.integer(MAX_TEXT_CHARS, DEFAULT_MAX_TEXT_CHARS);
      if (max < 1) {
        throw new ConfigException(settings.origin(),
            problem(settings, MAX_TEXT_CHARS, "must be at least 1, was " + max));
      }
      return max;
    } catch (ConfigException e) {
      throw new ProcessingException("BAD_SETTINGS", e.getMessage(), e);
    }
  }

  /** A problem with {@code key}, reported like the engine's own: key path, line, message. */
  private static ConfigProblem problem(Settings settings, String key, String message) {
    String path = settings.path().isEmpty() ? key : settings.path() + "." + key;
    return new ConfigProblem(path, settings.line(key), message);
  }

  private static Result badInput(Event event, String message) {
    return Result.failure(event.id(), Status.INVALID, "BAD_INPUT", message);
  }

  private static String describe(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static byte[] toJson(WordCount count) {
    ObjectNode out = JSON.createObjectNode();
    out.put("words", count.words());
    ArrayNode top = out.putArray("top");
    for (Map.Entry<String, Integer> e : count.top()) {
      top.addArray().add(e.getKey()).add(e.getValue());
    }
    try {
      return JSON.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  /** The counting itself, apart from JSON and settings, so it can be tested on its own. */
  record WordCount(int words, List<Map.Entry<String, Integer>> top) {

    static WordCount of(String text) {
      Map<String, Integer> counts = new HashMap<>();
      int words = 0;
      StringBuilder word = new StringBuilder();
      int i = 0;
      while (i < text.length()) {
        int c = text.codePointAt(i);
        int next = i + Character.charCount(c);
        if (isWordChar(c)) {
          word.appendCodePoint(c);
        } else if (isApostrophe(c) && word.length() > 0 && next < text.length()
            && isWordChar(text.codePointAt(next))) {
          word.append('\'');
        } else if (word.length() > 0) {
          counts.merge(word.toString().toLowerCase(Locale.ROOT), 1, Integer::sum);
          words++;
          word.setLength(0);
        }
        i = next;
      }
      if (word.length() > 0) {
        counts.merge(word.toString().toLowerCase(Locale.ROOT), 1, Integer::sum);
        words++;
      }
      List<Map.Entry<String, Integer>> top = new ArrayList<>(counts.entrySet());
      top.sort(MOST_FREQUENT_FIRST);
      return new WordCount(words,
          top.subList(0, Math.min(TOP_SIZE, top.size())).stream()
              .map(e -> Map.entry(e.getKey(), e.getValue()))
              .toList());
    }

    private static boolean isWordChar(int c) {
      if (Character.isLetter(c) || Character.isDigit(c)) {
        return true;
      }
      int type = Character.getType(c);
      return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
          || type == Character.ENCLOSING_MARK;
    }

    private static boolean isApostrophe(int c) {
      return c == '\'' || c == '\u2019';
    }
  }
}
