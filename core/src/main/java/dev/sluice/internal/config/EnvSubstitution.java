package dev.sluice.internal.config;

import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in scalar values; {@code $${} is a literal
 * {@code ${}. As in a POSIX shell, the default is used when the variable is unset or empty.
 */
final class EnvSubstitution {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;

  EnvSubstitution(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Returns {@code text} with every reference replaced; reports each unresolvable one to
   * {@code problems} (and leaves it empty in the result).
   */
  String substitute(String text, Consumer<String> problems) {
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
}
