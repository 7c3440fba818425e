package io.payable.index.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/** tiktoken vocabularies through JTokkit; the vocabularies ship inside the JTokkit jar. */
public final class TiktokenTokenizer implements Tokenizer {

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  private final Encoding encoding;
  private final String id;
  private final int vocabularySize;
  private volatile String vocabularyHash;

  private TiktokenTokenizer(EncodingType type, int vocabularySize) {
    this.encoding = REGISTRY.getEncoding(type);
    this.id = type.getName();
    this.vocabularySize = vocabularySize;
  }

  /** The default index tokenizer (GPT-4o family). */
  public static TiktokenTokenizer o200kBase() {
    return new TiktokenTokenizer(EncodingType.O200K_BASE, 200_019);
  }

  /** The GPT-4 / GPT-3.5 vocabulary. */
  public static TiktokenTokenizer cl100kBase() {
    return new TiktokenTokenizer(EncodingType.CL100K_BASE, 100_277);
  }

  @Override
  public String id() {
    return id;
  }

  /** SHA-256 over (id, bytes) of every ordinary token: computed once, on first use. */
  @Override
  public String vocabularyHash() {
    String hash = vocabularyHash;
    if (hash == null) {
      MessageDigest digest = Hashing.sha256();
      IntArrayList one = new IntArrayList(1);
      one.add(0);
      ByteBuffer header = ByteBuffer.allocate(8);
      for (int token = 0; token < vocabularySize; token++) {
        one.set(0, token);
        byte[] bytes;
        try {
          bytes = encoding.decodeBytes(one);
        } catch (RuntimeException unknownOrSpecial) {
          continue;
        }
        header.clear();
        header.putInt(token).putInt(bytes.length);
        digest.update(header.array());
        digest.update(bytes);
      }
      hash = HexFormat.of().formatHex(digest.digest());
      vocabularyHash = hash;
    }
    return hash;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public int[] encode(String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  @Override
  public byte[] decodeBytes(int[] tokens, int from, int to) {
    IntArrayList list = new IntArrayList(to - from);
    for (int i = from; i < to; i++) {
      list.add(tokens[i]);
    }
    return encoding.decodeBytes(list);
  }
}
