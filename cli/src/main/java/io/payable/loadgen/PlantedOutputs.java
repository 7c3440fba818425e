package io.payable.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Test tool: model outputs that mix verbatim passages of indexed documents with novel text, so
 * attribution can be measured against a known truth. Novel text is made of invented words that do
 * not occur in natural-language corpora, so it matches nothing long enough to count.
 */
public final class PlantedOutputs {

  private static final String[] SYLLABLES = {
    "zor", "vek", "qua", "thil", "mub", "yan", "drex", "pho", "kli", "snu", "gav", "wuz", "tre",
    "ojo", "fyr", "bax", "lum", "ciq", "nep", "hob"
  };

  private final List<IndexedDocument> documents;
  private final Random random;
  private final double plantedShare;
  private final int passageWords;

  /**
   * @param plantedShare share of outputs that copy passages (the rest are novel text only)
   * @param passageWords words per copied passage
   */
  public PlantedOutputs(
      List<IndexedDocument> documents, long seed, double plantedShare, int passageWords) {
    this.documents =
        documents.stream().filter(d -> d.text().split("\\s+").length >= passageWords).toList();
    if (this.documents.isEmpty()) {
      throw new IllegalArgumentException("no document has " + passageWords + " words");
    }
    this.random = new Random(seed);
    this.plantedShare = plantedShare;
    this.passageWords = passageWords;
  }

  /** An output of about {@code words} words: novel text around zero to two copied passages. */
  public PlantedOutput next(int words) {
    int passages = random.nextDouble() < plantedShare ? 1 + random.nextInt(2) : 0;
    Set<String> contributors = new LinkedHashSet<>();
    Set<String> datanets = new LinkedHashSet<>();
    List<String> parts = new ArrayList<>();
    int novel = Math.max(4, words - passages * passageWords);
    parts.add(novel(novel / (passages + 1)));
    for (int p = 0; p < passages; p++) {
      IndexedDocument doc = documents.get(random.nextInt(documents.size()));
      parts.add(passage(doc));
      contributors.add(doc.contributor());
      datanets.add(doc.datanetId());
      parts.add(novel(novel / (passages + 1)));
    }
    return new PlantedOutput(String.join(" ", parts), contributors, datanets);
  }

  private String passage(IndexedDocument doc) {
    String[] words = doc.text().trim().split("\\s+");
    int start = random.nextInt(words.length - passageWords + 1);
    return String.join(" ", java.util.Arrays.copyOfRange(words, start, start + passageWords));
  }

  private String novel(int words) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < words; w++) {
      if (w > 0) {
        sb.append(' ');
      }
      int syllables = 2 + random.nextInt(2);
      for (int s = 0; s < syllables; s++) {
        sb.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
    }
    return sb.append('.').toString();
  }
}
