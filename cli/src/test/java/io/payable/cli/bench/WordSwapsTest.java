package io.payable.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class WordSwapsTest {
  private static final List<String> POOL = List.of("alpha", "beta", "gamma", "delta");

  private static String passage(int words) {
    return IntStream.range(0, words).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
  }

  @Property
  void swapsTheRoundedShareOfWordsForPoolWords(
      @ForAll @IntRange(min = 1, max = 80) int words,
      @ForAll @DoubleRange(min = 0, max = 1) double rate,
      @ForAll long seed) {
    String[] before = passage(words).split(" ");
    String[] after = WordSwaps.swap(passage(words), rate, POOL, new Random(seed)).split(" ");

    assertThat(after).hasSameSizeAs(before);
    int changed = 0;
    for (int i = 0; i < before.length; i++) {
      if (!after[i].equals(before[i])) {
        changed++;
        assertThat(POOL).contains(after[i]);
      }
    }
    assertThat(changed).isEqualTo((int) Math.round(rate * words));
  }

  @Test
  void aSeedGivesTheSameSwaps() {
    String a = WordSwaps.swap(passage(40), 0.3, POOL, new Random(3));
    String b = WordSwaps.swap(passage(40), 0.3, POOL, new Random(3));
    String c = WordSwaps.swap(passage(40), 0.3, POOL, new Random(4));

    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void aWordIsNeverSwappedForItself() {
    // Every word of the passage is in the pool: a swap must still change all of them.
    String out = WordSwaps.swap("alpha beta alpha beta", 1.0, POOL, new Random(1));

    String[] words = out.split(" ");
    assertThat(words[0]).isNotEqualTo("alpha");
    assertThat(words[1]).isNotEqualTo("beta");
    assertThat(words[2]).isNotEqualTo("alpha");
    assertThat(words[3]).isNotEqualTo("beta");
  }

  @Test
  void refusesARateOutsideZeroToOneAndAPoolOfOneWord() {
    assertThatThrownBy(() -> WordSwaps.swap("a b", 1.5, POOL, new Random(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WordSwaps.swap("a b", 0.5, List.of("x", "x"), new Random(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
