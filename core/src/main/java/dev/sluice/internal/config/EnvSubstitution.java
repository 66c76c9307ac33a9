package dev.sluice.internal.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in scalar values; {@code $${} is a literal
 * {@code ${}. As in a POSIX shell, the default is used when the variable is unset or empty.
 *
 * <p>{@code ${file:PATH}} is the content of the file at {@code PATH} (relative to the working
 * directory), without its final line break: for secrets mounted as files, such as
 * {@code ${file:/run/secrets/db-password}}. Values that use it are masked in dumps.
 */
final class EnvSubstitution {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final String FILE = "file:";
  /** A secret is small; a larger file is a wrong path (a log, a binary). */
  static final long MAX_FILE_BYTES = 64 * 1024;

  private final Map<String, String> env;

  EnvSubstitution(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Returns {@code text} with every reference replaced; reports each unresolvable one to
   * {@code problems} (and leaves it empty in the result).
   */
  String substitute(String text, Consumer<String> problems) {
    return substitute(text, problems, () -> { });
  }

  /** As {@link #substitute(String, Consumer)}; runs {@code fromFile} when a file was read. */
  String substitute(String text, Consumer<String> problems, Runnable fromFile) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          problems.accept("unclosed '${' in '" + text
              + "'; write ${NAME} or ${NAME:-default}, or $${ for a literal ${");
          return out.toString();
        }
        String ref = text.substring(i + 2, end);
        if (ref.startsWith(FILE)) {
          readFile(ref.substring(FILE.length()), problems).ifPresent(content -> {
            out.append(content);
            fromFile.run();
          });
          i = end + 1;
          continue;
        }
        int sep = ref.indexOf(":-");
        String name = sep < 0 ? ref : ref.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
          problems.accept("'${" + ref + "}' is not a valid reference: expected ${NAME} or"
              + " ${NAME:-default} with NAME made of letters, digits and '_'");
        } else {
          String value = env.get(name);
          if (value != null && !value.isEmpty()) {
            out.append(value);
          } else if (sep >= 0) {
            out.append(ref, sep + 2, ref.length());
          } else {
            problems.accept("environment variable '" + name + "' is not set; set it, or give a"
                + " default with ${" + name + ":-default}");
          }
        }
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static Optional<String> readFile(String name, Consumer<String> problems) {
    String ref = "${" + FILE + name + "}";
    if (name.isBlank()) {
      problems.accept("'" + ref + "' names no file: write ${file:/path/to/secret}");
      return Optional.empty();
    }
    try {
      Path path = Path.of(name);
      if (Files.size(path) > MAX_FILE_BYTES) {
        problems.accept("the file '" + name + "' of " + ref + " is larger than "
            + MAX_FILE_BYTES + " bytes; it should hold only the secret");
        return Optional.empty();
      }
      String content = Files.readString(path, StandardCharsets.UTF_8);
      if (content.endsWith("\n")) {
        content = content.substring(0, content.length() - 1);
        if (content.endsWith("\r")) {
          content = content.substring(0, content.length() - 1);
        }
      }
      return Optional.of(content);
    } catch (NoSuchFileException e) {
      problems.accept("the file '" + name + "' of " + ref + " does not exist; create it or"
          + " correct the path");
    } catch (MalformedInputException e) {
      problems.accept("the file '" + name + "' of " + ref + " is not UTF-8 text");
    } catch (InvalidPathException | IOException e) {
      problems.accept("cannot read the file '" + name + "' of " + ref + ": " + e
          + "; check the path and that this user may read it");
    }
    return Optional.empty();
  }
}
