package dev.sluice.admin.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Principal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic authentication (RFC 7617) checked by the server's {@link Authenticator}: 401 with a
 * challenge for missing or wrong credentials, 403 for a user without the required role, 503 when
 * the authenticator does not answer in time. The password is wiped after the check and never
 * logged.
 */
public final class BasicAuthentication extends com.sun.net.httpserver.Authenticator {
  static final String REALM = "sluice-admin";
  private static final Logger LOG = LoggerFactory.getLogger(BasicAuthentication.class);
  private static final long LOGIN_TIMEOUT_SECONDS = 10;

  private final Authenticator authenticator;
  private final String role;

  public BasicAuthentication(Authenticator authenticator, String role) {
    this.authenticator = authenticator;
    this.role = role;
  }

  @Override
  public Result authenticate(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return challenge(exchange);
    }
    char[] decoded;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Base64.getDecoder().decode(header.substring(6).trim())));
      decoded = Arrays.copyOfRange(chars.array(), chars.arrayOffset(),
          chars.arrayOffset() + chars.limit());
      Arrays.fill(chars.array(), '\0');
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return challenge(exchange);
    }
    int colon = indexOf(decoded, ':');
    if (colon < 1) {
      Arrays.fill(decoded, '\0');
      return challenge(exchange);
    }
    String user = new String(decoded, 0, colon);
    char[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
    Arrays.fill(decoded, '\0');
    String remote = exchange.getRemoteAddress().getAddress().getHostAddress();
    Principal principal;
    try {
      principal = authenticator.login(user, password, remote).toCompletableFuture()
          .get(LOGIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof AuthenticationException)) {
        LOG.warn("admin login of '{}' from {} failed", user, remote, e.getCause());
      }
      return challenge(exchange);
    } catch (TimeoutException e) {
      LOG.warn("admin login of '{}' from {} got no answer within {}s", user, remote,
          LOGIN_TIMEOUT_SECONDS);
      return new Failure(503);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failure(503);
    } finally {
      Arrays.fill(password, '\0');
    }
    if (!role.isEmpty() && !principal.roles().contains(role)) {
      LOG.info("admin request by '{}' from {} refused: it lacks role '{}'", principal.name(),
          remote, role);
      return new Failure(403);
    }
    return new Success(new HttpPrincipal(principal.name(), REALM));
  }

  private static Result challenge(HttpExchange exchange) {
    exchange.getResponseHeaders().set("WWW-Authenticate",
        "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    return new Retry(401);
  }

  private static int indexOf(char[] chars, char c) {
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
