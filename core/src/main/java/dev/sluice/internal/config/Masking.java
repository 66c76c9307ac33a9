package dev.sluice.internal.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hides secrets in dumps: by key name, and the password part of URLs wherever they appear. */
final class Masking {
  static final String HIDDEN = "[hidden]";

  private static final String[] SECRET_WORDS = {
    "password", "passwd", "secret", "token", "credential", "private-key", "privatekey",
    "api-key", "apikey",
    // Kafka: sasl.jaas.config carries passwords; ssl.keystore.key is an inline private key
    "jaas", "keystore.key"
  };

  /** {@code scheme://user:password@host}: group 1 is everything up to the password. */
  private static final Pattern URL_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^/?#@:\\s]*:)([^/?#@\\s]*)@");

  private Masking() {}

  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT).replace('_', '-');
    for (String word : SECRET_WORDS) {
      if (k.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code amqp://guest:guest@host/} becomes {@code amqp://guest:[hidden]@host/}; applies to any
   * value, since connection strings hide under many key names ({@code bootstrap}, {@code jdbc}).
   */
  static String maskUrls(String value) {
    if (value.indexOf("://") < 0) {
      return value;
    }
    Matcher m = URL_USERINFO.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + HIDDEN + "@"));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
