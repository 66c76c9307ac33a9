package dev.sluice.testkit;

/**
 * A service a test needs could not be reached or started. Tests that need it fail with this
 * exception; they are never skipped, so a missing service cannot turn a red build green. The
 * message says where Sluice looked and how to start the service.
 */
public class ServiceUnavailableException extends IllegalStateException {
  public ServiceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public ServiceUnavailableException(String message) {
    super(message);
  }
}
