package dev.sluice.security.internal.guard;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;

/**
 * JSON Schema {@code pattern} and {@code patternProperties} with a work budget: the JDK's regular
 * expressions backtrack, so a hostile pattern or input could take exponential time. Each match
 * reads the input through a {@link CharSequence} that counts reads and aborts with
 * {@link RegexBudgetExceededException} beyond {@code 10_000 + 100 * length} of them, which keeps
 * every match linear in the input however the pattern is written.
 */
final class BoundedRegularExpressionFactory implements RegularExpressionFactory {
  static final BoundedRegularExpressionFactory INSTANCE = new BoundedRegularExpressionFactory();

  @Override
  public RegularExpression getRegularExpression(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return value -> pattern.matcher(new BudgetedChars(value,
        10_000L + 100L * value.length())).find();
  }

  /** The schema's regular expression needed more work than the budget allows. */
  static final class RegexBudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RegexBudgetExceededException() {
      super("a schema pattern took too long to match", null, false, false);
    }
  }

  private static final class BudgetedChars implements CharSequence {
    private final String text;
    private final int from;
    private final int to;
    private final long[] budget;

    BudgetedChars(String text, long budget) {
      this(text, 0, text.length(), new long[] {budget});
    }

    private BudgetedChars(String text, int from, int to, long[] budget) {
      this.text = text;
      this.from = from;
      this.to = to;
      this.budget = budget;
    }

    @Override
    public int length() {
      return to - from;
    }

    @Override
    public char charAt(int index) {
      if (--budget[0] < 0) {
        throw new RegexBudgetExceededException();
      }
      return text.charAt(from + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new BudgetedChars(text, from + start, from + end, budget);
    }

    @Override
    public String toString() {
      return text.substring(from, to);
    }
  }
}
