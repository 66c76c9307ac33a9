package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasswordInputTest {

  @Test
  void readsTheFirstLineOfStandardInputWithoutATerminal() {
    char[] password = PasswordInput.readNew(Optional.empty(),
        new StringReader("pipe-d password \r\nsecond line\n"), "alice");

    assertThat(new String(password)).isEqualTo("pipe-d password ");
  }

  @Test
  void refusesAnEmptyStandardInput() {
    assertThatThrownBy(() -> PasswordInput.readNew(Optional.empty(), new StringReader(""),
        "alice")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no password on standard input: type it at the prompt, or pipe it in as"
            + " the first line");
  }
}
