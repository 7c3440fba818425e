package io.payable.lora.tokenizer;

/** Text to token ids and back; the model's vocabulary must be at least {@link #vocabSize()}. */
public interface Tokenizer {
  int[] encode(String text);

  String decode(int[] tokens);

  int vocabSize();

  /** Token that ends generation. */
  int eosId();

  /** Stable identifier, recorded with the model. */
  String id();
}
