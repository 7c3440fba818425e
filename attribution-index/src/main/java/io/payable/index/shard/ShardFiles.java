package io.payable.index.shard;

import java.util.List;

/** File names inside a shard directory. */
public final class ShardFiles {

  public static final String TOKENS = "tokens";
  public static final String SUFFIX_ARRAY = "sa";
  public static final String DOCUMENTS = "docs.arrow";
  public static final String UNIGRAMS = "unigrams";
  public static final String MANIFEST = "manifest.json";

  /** Every file the manifest must list, in the order they are verified. */
  public static final List<String> DATA_FILES = List.of(TOKENS, SUFFIX_ARRAY, DOCUMENTS, UNIGRAMS);

  private ShardFiles() {}
}
