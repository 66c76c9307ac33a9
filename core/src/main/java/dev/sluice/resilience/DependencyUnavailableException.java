package dev.sluice.resilience;

/**
 * A call to a dependency was refused at once because the dependency's circuit breaker is open.
 * The message names the dependency, why the breaker opened and when it will be tried again.
 */
public class DependencyUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String dependency;

  public DependencyUnavailableException(String dependency, String message) {
    super(message);
    this.dependency = dependency;
  }

  /** The name of the dependency, such as {@code store}. */
  public String dependency() {
    return dependency;
  }
}
