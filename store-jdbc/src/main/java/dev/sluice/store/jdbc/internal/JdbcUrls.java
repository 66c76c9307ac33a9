package dev.sluice.store.jdbc.internal;

import java.util.regex.Pattern;

/** Masks credentials written into JDBC URLs, for logs and error messages. */
public final class JdbcUrls {
  private static final Pattern USER_INFO = Pattern.compile("(//)[^/@]*@");
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)([?&;]password=)[^&;]*");

  private JdbcUrls() {
  }

  public static String mask(String url) {
    String masked = USER_INFO.matcher(url).replaceAll("$1[hidden]@");
    return PASSWORD_PARAM.matcher(masked).replaceAll("$1[hidden]");
  }
}
