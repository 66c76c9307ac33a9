package dev.sluice.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.examples.wordcount.WordCountProcessor.WordCount;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a word is, and how the top list is ordered: the javadoc of {@link WordCountProcessor}. */
class WordCountTest {

  @Test
  void countsEveryWordAndListsTheMostFrequentFirst() {
    WordCount count = WordCount.of("the cat saw the dog; THE dog ran");

    assertThat(count.words()).isEqualTo(8);
    assertThat(top(count)).containsExactly("the=3", "dog=2", "cat=1", "ran=1", "saw=1");
  }

  @Test
  void breaksTiesAlphabetically() {
    assertThat(top(WordCount.of("pear apple fig apple pear fig")))
        .containsExactly("apple=2", "fig=2", "pear=2");
  }

  @Test
  void listsAtMostTenWords() {
    WordCount count = WordCount.of("a b c d e f g h i j k l a");

    assertThat(count.words()).isEqualTo(13);
    assertThat(top(count)).hasSize(10)
        .startsWith("a=2", "b=1")
        .endsWith("j=1");
  }

  @Test
  void foldsCaseWithTheRootLocaleWhateverTheDefault() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr"));
    try {
      // In Turkish, "I".toLowerCase() is a dotless i; the root locale gives "i".
      assertThat(top(WordCount.of("TITLE title Title"))).containsExactly("title=3");
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void keepsApostrophesInsideWordsOnly() {
    assertThat(top(WordCount.of("don't 'quoted' dogs' rock'n'roll ' '' x")))
        .containsExactlyInAnyOrder("don't=1", "quoted=1", "dogs=1", "rock'n'roll=1", "x=1");
  }

  @Test
  void countsTheTypographicApostropheAsTheAsciiOne() {
    assertThat(top(WordCount.of("don\u2019t don't"))).containsExactly("don't=2");
  }

  @Test
  void splitsOnHyphensUnderscoresPunctuationAndSymbols() {
    WordCount count = WordCount.of("well-known snake_case a.b a/b a\u00a0b 3+4 a\uD83D\uDE00b");

    assertThat(count.words()).isEqualTo(14);
    assertThat(top(count)).containsExactly("a=4", "b=4", "3=1", "4=1", "case=1", "known=1",
        "snake=1", "well=1");
  }

  @Test
  void keepsDigitsLettersAndCombiningMarksOfAnyScript() {
    WordCount count = WordCount.of("Route 66 route66 \u6771\u4eac Stra\u00dfe cafe\u0301 "
        + "\uD835\uDC00\uD835\uDC01 \u0661\u0662");

    assertThat(top(count)).containsExactlyInAnyOrder("route=1", "66=1", "route66=1",
        "\u6771\u4eac=1", "stra\u00dfe=1", "cafe\u0301=1", "\uD835\uDC00\uD835\uDC01=1",
        "\u0661\u0662=1");
  }

  @Test
  void countsNothingInATextWithoutWords() {
    WordCount count = WordCount.of(" \n\t-- ... ''");

    assertThat(count.words()).isZero();
    assertThat(count.top()).isEmpty();
  }

  private static List<String> top(WordCount count) {
    return count.top().stream().map(Map.Entry::toString).toList();
  }
}
