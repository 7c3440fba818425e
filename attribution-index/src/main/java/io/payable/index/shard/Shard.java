package io.payable.index.shard;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.index.tokenize.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read-only, memory-mapped shard. Opening verifies the manifest (sizes, and SHA-256 unless told
 * otherwise); queries only read mapped memory and immutable arrays, so one instance is safe for any
 * number of concurrent queries.
 *
 * <p>Query methods take token ids (not symbols) and work on the suffix-array interval of suffixes
 * that start with the query.
 */
public final class Shard {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path dir;
  private final ShardManifest manifest;
  private final IntArrayView tokens;
  private final MappedIntArray sa;
  private final List<DocumentRecord> documents;
  private final long[] docOffsets;
  private final int[] unigramSymbols;
  private final int[] unigramCounts;
  private final long[] unigramStarts;

  /** log2 of the sampling interval of {@link #sample}; -1 for no sample. */
  private final int sampleShift;

  /** Built by {@link #prepareSearch} or a later maximal-span search; see there. */
  private volatile SuffixSample sample;

  /** Maximal-span searches run without a sample, up to {@link #SEARCHES_BEFORE_SAMPLE}. */
  private final AtomicInteger searchesWithoutSample = new AtomicInteger();

  private Shard(
      Path dir,
      ShardManifest manifest,
      IntArrayView tokens,
      MappedIntArray sa,
      List<DocumentRecord> documents,
      int[] unigramSymbols,
      int[] unigramCounts,
      int sampleShift) {
    this.dir = dir;
    this.sampleShift = sampleShift;
    this.manifest = manifest;
    this.tokens = tokens;
    this.sa = sa;
    this.documents = List.copyOf(documents);
    this.docOffsets = documents.stream().mapToLong(DocumentRecord::symbolOffset).toArray();
    this.unigramSymbols = unigramSymbols;
    this.unigramCounts = unigramCounts;
    // Suffixes sort by first symbol: the separators (one per document) first, then each token's
    // bucket in symbol order.
    this.unigramStarts = new long[unigramSymbols.length];
    long start = manifest.symbols() - manifest.tokens();
    for (int i = 0; i < unigramSymbols.length; i++) {
      unigramStarts[i] = start;
      start += unigramCounts[i];
    }
  }

  /**
   * Suffixes between two samples of the in-memory sample that maximal-span searches build (see
   * {@link #prepareSearch}): 64, so a sample takes 0.25 bytes of heap per symbol.
   */
  public static final int DEFAULT_SAMPLE_INTERVAL = 64;

  /**
   * Maximal-span searches ({@link #longestMatchLengths}) a shard serves before it builds its sample
   * by itself: a shard that keeps serving queries gets one, while a tool that opens an index for a
   * query or two does not read all of {@code sa} to build one.
   */
  static final int SEARCHES_BEFORE_SAMPLE = 8;

  /** Opens a shard, verifying sizes and SHA-256 of every file. */
  public static Shard open(Path dir) {
    return open(dir, true);
  }

  /**
   * Opens a shard. Sizes are always checked; {@code verifyHashes} re-reads every file to check its
   * SHA-256 (a full read, so callers that re-open trusted shards may skip it).
   */
  public static Shard open(Path dir, boolean verifyHashes) {
    return open(dir, verifyHashes, DEFAULT_SAMPLE_INTERVAL);
  }

  /**
   * Opens a shard whose searches sample every {@code sampleInterval}-th suffix (a power of two), or
   * none if it is 0: results are the same, only speed and heap differ.
   */
  public static Shard open(Path dir, boolean verifyHashes, int sampleInterval) {
    if (sampleInterval < 0 || Integer.bitCount(sampleInterval) > 1) {
      throw new IllegalArgumentException(
          "sample interval must be 0 or a power of two, not " + sampleInterval);
    }
    int sampleShift = sampleInterval == 0 ? -1 : Integer.numberOfTrailingZeros(sampleInterval);
    ShardManifest manifest = readManifest(dir);
    for (String name : ShardFiles.DATA_FILES) {
      ShardManifest.FileInfo info = manifest.files().get(name);
      Path file = dir.resolve(name);
      if (info == null) {
        throw new ShardFormatException(
            dir.resolve(ShardFiles.MANIFEST), "does not list file '" + name + "'");
      }
      verifyFile(file, info, verifyHashes);
    }
    try {
      Path tokensFile = dir.resolve(ShardFiles.TOKENS);
      IntArrayView tokens =
          manifest.tokenBytes() == 3
              ? MappedU24Array.map(tokensFile)
              : MappedIntArray.map(tokensFile);
      MappedIntArray sa = MappedIntArray.map(dir.resolve(ShardFiles.SUFFIX_ARRAY));
      if (tokens.length() != manifest.symbols()) {
        throw new ShardFormatException(
            dir.resolve(ShardFiles.TOKENS),
            "holds " + tokens.length() + " symbols, manifest says " + manifest.symbols());
      }
      if (sa.length() != manifest.symbols()) {
        throw new ShardFormatException(
            dir.resolve(ShardFiles.SUFFIX_ARRAY),
            "holds " + sa.length() + " entries, manifest says " + manifest.symbols());
      }
      List<DocumentRecord> docs;
      Path docsFile = dir.resolve(ShardFiles.DOCUMENTS);
      try {
        docs = DocumentTable.read(docsFile);
      } catch (ShardFormatException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new ShardFormatException(docsFile, "unreadable document table: " + e.getMessage(), e);
      }
      if (docs.size() != manifest.documents()) {
        throw new ShardFormatException(
            docsFile, "holds " + docs.size() + " documents, manifest says " + manifest.documents());
      }
      MappedIntArray unigrams = MappedIntArray.map(dir.resolve(ShardFiles.UNIGRAMS));
      int distinct = (int) (unigrams.length() / 2);
      int[] symbols = new int[distinct];
      int[] counts = new int[distinct];
      long counted = 0;
      for (int i = 0; i < distinct; i++) {
        symbols[i] = unigrams.get(2L * i);
        counts[i] = unigrams.get(2L * i + 1);
        counted += counts[i];
        if (symbols[i] < 1 || (i > 0 && symbols[i] <= symbols[i - 1]) || counts[i] < 1) {
          throw new ShardFormatException(
              dir.resolve(ShardFiles.UNIGRAMS), "entry " + i + " out of order or empty");
        }
      }
      // Queries take the first symbol's suffix-array interval from these counts.
      if (counted != manifest.tokens()) {
        throw new ShardFormatException(
            dir.resolve(ShardFiles.UNIGRAMS),
            "counts " + counted + " tokens, manifest says " + manifest.tokens());
      }
      return new Shard(dir, manifest, tokens, sa, docs, symbols, counts, sampleShift);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open shard " + dir, e);
    }
  }

  /** Reads and checks {@code manifest.json}. */
  public static ShardManifest readManifest(Path dir) {
    Path file = dir.resolve(ShardFiles.MANIFEST);
    ShardManifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), ShardManifest.class);
    } catch (IOException | RuntimeException e) {
      if (!Files.exists(file)) {
        throw new ShardFormatException(file, "missing", e);
      }
      throw new ShardFormatException(file, "unreadable manifest: " + e.getMessage(), e);
    }
    if (!ShardManifest.FORMAT.equals(manifest.format())) {
      throw new ShardFormatException(
          file, "not a shard manifest (format " + manifest.format() + ")");
    }
    if (manifest.formatVersion() < 1 || manifest.formatVersion() > ShardManifest.VERSION) {
      throw new ShardFormatException(
          file, "unsupported format version " + manifest.formatVersion());
    }
    if (manifest.tokenBytes() != 3 && manifest.tokenBytes() != 4) {
      throw new ShardFormatException(file, "unsupported token_bytes " + manifest.tokenBytes());
    }
    return manifest;
  }

  private static void verifyFile(Path file, ShardManifest.FileInfo info, boolean verifyHash) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ShardFormatException(file, "missing", e);
    } catch (IOException e) {
      throw new ShardFormatException(file, "unreadable: " + e.getMessage(), e);
    }
    if (size != info.bytes()) {
      throw new ShardFormatException(
          file,
          (size < info.bytes() ? "truncated" : "too long")
              + ": "
              + size
              + " bytes, manifest says "
              + info.bytes());
    }
    if (verifyHash) {
      MessageDigest digest = Hashing.sha256();
      byte[] buf = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(file)) {
        int r;
        while ((r = in.read(buf)) > 0) {
          digest.update(buf, 0, r);
        }
      } catch (IOException e) {
        throw new ShardFormatException(file, "unreadable: " + e.getMessage(), e);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equalsIgnoreCase(info.sha256())) {
        throw new ShardFormatException(
            file, "corrupted: SHA-256 " + actual + " does not match manifest " + info.sha256());
      }
    }
  }

  public Path dir() {
    return dir;
  }

  public ShardManifest manifest() {
    return manifest;
  }

  /** Symbols including separators. */
  public long symbolCount() {
    return tokens.length();
  }

  /** Documents in symbol-offset order; the index in this list is the document's ordinal. */
  public List<DocumentRecord> documents() {
    return documents;
  }

  /** Occurrences of token id {@code token} in this shard. */
  public long unigramCount(int token) {
    int i = Arrays.binarySearch(unigramSymbols, token + 1);
    return i >= 0 ? unigramCounts[i] : 0;
  }

  /** Symbol at {@code position} (token id + 1, or 0 for a separator). */
  public int symbolAt(long position) {
    return tokens.get(position);
  }

  /** Start position of the suffix of rank {@code rank}. */
  public long suffixAt(long rank) {
    return sa.get(rank);
  }

  /** Ordinal of the document that contains symbol {@code position}. */
  public int documentOrdinalAt(long position) {
    int i = Arrays.binarySearch(docOffsets, position);
    return i >= 0 ? i : -i - 2;
  }

  /**
   * Position of the first symbol of document {@code ordinal}; for {@code ordinal} equal to the
   * number of documents, the number of symbols.
   */
  public long documentStart(int ordinal) {
    return ordinal < docOffsets.length ? docOffsets[ordinal] : tokens.length();
  }

  /** Token ids {@code [from, to)} of document {@code ordinal}, clipped to the document. */
  public int[] documentTokens(int ordinal, int from, int to) {
    DocumentRecord doc = documents.get(ordinal);
    int start = Math.max(0, from);
    int end = Math.min(doc.length(), to);
    if (end <= start) {
      return new int[0];
    }
    int[] out = new int[end - start];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokens.get(doc.symbolOffset() + start + i) - 1;
    }
    return out;
  }

  /**
   * Bucket of the suffixes that start with {@code symbol}, read from the unigram counts: {@code
   * {lo, hi}}, empty if the symbol never occurs.
   */
  private long[] bucket(int symbol) {
    int i = Arrays.binarySearch(unigramSymbols, symbol);
    return i < 0
        ? new long[] {0, 0}
        : new long[] {unigramStarts[i], unigramStarts[i] + unigramCounts[i]};
  }

  /**
   * Builds this shard's in-memory sample of the suffix array if it has none yet (the {@value
   * #SEARCHES_BEFORE_SAMPLE}th maximal-span search after opening does so too) and returns its heap
   * size in bytes; 0 if the shard was opened without one. Reads every sampled {@code sa} entry and
   * a few symbols after each, so on a large shard whose files are not in the page cache it takes as
   * long as reading {@code sa} once.
   */
  public long prepareSearch() {
    SuffixSample s = searchSample();
    return s == null ? 0 : s.bytes();
  }

  /** Whether this shard's sample is built. */
  boolean hasSample() {
    return sample != null;
  }

  private SuffixSample searchSample() {
    SuffixSample s = sample;
    if (s == null && sampleShift >= 0) {
      synchronized (this) {
        s = sample;
        if (s == null) {
          s = SuffixSample.build(sa, tokens, sampleShift);
          sample = s;
        }
      }
    }
    return s;
  }

  /**
   * The sampled part of a binary search for {@code tokenIds[from, from + length)}: moves the ends
   * {@code ends = {left, right}} (with their common prefixes with the pattern, {@code commons}) to
   * the samples closest to the pattern's place, so that no sample lies strictly between them. The
   * ends obey the search's rule: suffixes at or below {@code left} sort before the pattern, those
   * at or above {@code right} do not, where a suffix that starts with the whole pattern counts as
   * before it if {@code upper} (the upper bound's search) and not otherwise.
   *
   * <p>A sample's first symbols are on the heap, so the comparison reads the mapped {@code tokens}
   * only when the pattern and both ends agree beyond them, and never reads {@code sa}.
   */
  private void narrow(
      SuffixSample sample,
      int[] tokenIds,
      int from,
      int length,
      boolean upper,
      long[] ends,
      int[] commons) {
    long n = tokens.length();
    while (true) {
      int first = sample.firstAbove(ends[0]);
      int last = sample.lastBelow(ends[1]);
      if (first > last) {
        return;
      }
      int j = (first + last) >>> 1;
      long p = sample.position(j);
      int m = Math.min(commons[0], commons[1]);
      int s = 0;
      while (m < length) {
        s = m <= SuffixSample.KEY_SYMBOLS ? sample.key(j, m) : p + m < n ? tokens.get(p + m) : -1;
        if (s != tokenIds[from + m] + 1) {
          break;
        }
        m++;
      }
      boolean before = m == length ? upper : s < tokenIds[from + m] + 1;
      int side = before ? 0 : 1;
      ends[side] = sample.rank(j);
      commons[side] = m;
    }
  }

  /**
   * Number of symbols, counted from {@code known} on, that the suffix of rank {@code rank} shares
   * with the pattern {@code tokenIds[from, from + length)}, plus {@code known}: the caller knows
   * that the first {@code known} already agree.
   */
  private int commonPrefix(long rank, int[] tokenIds, int from, int length, int known) {
    long p = sa.get(rank);
    long n = tokens.length();
    int m = known;
    while (m < length && p + m < n && tokens.get(p + m) == tokenIds[from + m] + 1) {
      m++;
    }
    return m;
  }

  /**
   * Whether the suffix of rank {@code rank}, which shares exactly {@code common < length} symbols
   * with the pattern, sorts before it.
   */
  private boolean suffixBelow(long rank, int[] tokenIds, int from, int common) {
    long p = (long) sa.get(rank) + common;
    int symbol = p < tokens.length() ? tokens.get(p) : -1;
    return symbol < tokenIds[from + common] + 1;
  }

  /**
   * Suffix-array interval {@code [lo, hi)} of suffixes starting with {@code tokenIds[from, to)}. An
   * empty query matches every suffix.
   *
   * <p>Two binary searches inside the first token's bucket that compare the whole pattern with each
   * probed suffix, rather than one pair of searches per token: the pattern's symbols at a suffix
   * are contiguous in memory, so a probe costs about one cache miss in {@code sa} and one in {@code
   * tokens}. Each probe skips the prefix that both ends of the remaining range share with the
   * pattern, since every suffix between them shares it too.
   */
  public long[] interval(int[] tokenIds, int from, int to) {
    int length = to - from;
    if (length <= 0) {
      return new long[] {0, tokens.length()};
    }
    long[] bucket = bucket(tokenIds[from] + 1);
    if (bucket[0] == bucket[1] || length == 1) {
      return bucket;
    }
    SuffixSample sampled = sample;
    long[] ends = {bucket[0] - 1, bucket[1]};
    int[] commons = {1, 1};
    // Lower bound: ranks <= left sort before the pattern, ranks >= right do not.
    if (sampled != null) {
      narrow(sampled, tokenIds, from, length, false, ends, commons);
    }
    long left = ends[0];
    long right = ends[1];
    int leftCommon = commons[0];
    int rightCommon = commons[1];
    while (right - left > 1) {
      long mid = (left + right) >>> 1;
      int m = commonPrefix(mid, tokenIds, from, length, Math.min(leftCommon, rightCommon));
      if (m < length && suffixBelow(mid, tokenIds, from, m)) {
        left = mid;
        leftCommon = m;
      } else {
        right = mid;
        rightCommon = m;
      }
    }
    long lo = right;
    if (lo == bucket[1] || rightCommon < length) {
      return new long[] {lo, lo};
    }
    // Upper bound: ranks <= left start with the pattern (or sort before it), ranks >= right sort
    // after it.
    ends[0] = lo;
    ends[1] = bucket[1];
    commons[0] = length;
    commons[1] = 1;
    if (sampled != null) {
      narrow(sampled, tokenIds, from, length, true, ends, commons);
    }
    left = ends[0];
    right = ends[1];
    leftCommon = commons[0];
    rightCommon = commons[1];
    while (right - left > 1) {
      long mid = (left + right) >>> 1;
      int m = commonPrefix(mid, tokenIds, from, length, Math.min(leftCommon, rightCommon));
      if (m == length || suffixBelow(mid, tokenIds, from, m)) {
        left = mid;
        leftCommon = m;
      } else {
        right = mid;
        rightCommon = m;
      }
    }
    return new long[] {lo, right};
  }

  /** Number of occurrences of {@code tokenIds}. */
  public long count(int[] tokenIds) {
    long[] r = interval(tokenIds, 0, tokenIds.length);
    return r[1] - r[0];
  }

  /**
   * Length of the longest prefix of {@code tokenIds[from, ...)}, at most {@code maxLength} long,
   * that occurs in this shard.
   *
   * <p>One binary search for the place where the pattern would sort: the suffixes that share the
   * longest prefix with it are its neighbours there, so the length is the longer of the two common
   * prefixes that the search already measured, with no search per matched token.
   */
  public int longestMatchLength(int[] tokenIds, int from, int maxLength) {
    int length = Math.min(maxLength, tokenIds.length - from);
    if (length <= 0) {
      return 0;
    }
    long[] bucket = bucket(tokenIds[from] + 1);
    if (bucket[0] == bucket[1]) {
      return 0;
    }
    // Every suffix of the bucket shares the first symbol, so the virtual ends outside it do too.
    long[] ends = {bucket[0] - 1, bucket[1]};
    int[] commons = {1, 1};
    SuffixSample sampled = sample;
    if (sampled != null) {
      narrow(sampled, tokenIds, from, length, false, ends, commons);
      if (commons[1] == length) {
        return length;
      }
    }
    long left = ends[0];
    long right = ends[1];
    int leftCommon = commons[0];
    int rightCommon = commons[1];
    while (right - left > 1) {
      long mid = (left + right) >>> 1;
      int m = commonPrefix(mid, tokenIds, from, length, Math.min(leftCommon, rightCommon));
      if (m == length) {
        return length;
      }
      if (suffixBelow(mid, tokenIds, from, m)) {
        left = mid;
        leftCommon = m;
      } else {
        right = mid;
        rightCommon = m;
      }
    }
    return Math.max(leftCommon, rightCommon);
  }

  /** Searches run in lockstep by {@link #longestMatchLengths}. */
  private static final int LANES = 8;

  /**
   * {@link #longestMatchLength} for every start {@code i} with {@code search[i]}, capped at {@code
   * maxLength[i]}; 0 for the others. Uses this shard's sample, and builds it once the shard has
   * served {@value #SEARCHES_BEFORE_SAMPLE} of these searches without one (see {@link
   * #prepareSearch}).
   *
   * <p>The searches are independent, so up to {@link #LANES} of them advance in lockstep: each step
   * first reads the probed suffix of every lane (a sample's entry on the heap while samples lie
   * between the lane's ends, else its {@code sa} entry), then the first undecided symbol of every
   * lane (from the sample's key where it has it, else from {@code tokens}), and only then compares.
   * Those reads do not depend on one another, so their cache and page misses overlap instead of
   * being paid one after another, which is where a single search spends its time on a large shard.
   */
  public int[] longestMatchLengths(int[] tokenIds, boolean[] search, int[] maxLength) {
    int count = tokenIds.length;
    int[] out = new int[count];
    long n = tokens.length();
    SuffixSample sampled = sample;
    if (sampled == null
        && sampleShift >= 0
        && searchesWithoutSample.incrementAndGet() > SEARCHES_BEFORE_SAMPLE) {
      sampled = searchSample();
    }
    int[] laneFrom = new int[LANES];
    int[] laneLength = new int[LANES];
    long[] left = new long[LANES];
    long[] right = new long[LANES];
    int[] leftCommon = new int[LANES];
    int[] rightCommon = new int[LANES];
    long[] mid = new long[LANES];
    long[] probe = new long[LANES];
    // Per lane: the probed sample, or -1 for a probe of sa; the symbols compared so far.
    int[] sampleOf = new int[LANES];
    int[] common = new int[LANES];
    int[] symbol = new int[LANES];
    int lanes = 0;
    int next = 0;
    while (true) {
      // Fill free lanes with the next starts that need a search.
      while (lanes < LANES && next < count) {
        int from = next++;
        if (!search[from]) {
          continue;
        }
        int length = Math.min(maxLength[from], count - from);
        if (length <= 0) {
          continue;
        }
        long[] bucket = bucket(tokenIds[from] + 1);
        if (bucket[0] == bucket[1]) {
          continue;
        }
        if (length == 1) {
          out[from] = 1;
          continue;
        }
        // Every suffix of the bucket shares the first symbol, so the virtual ends outside it do.
        laneFrom[lanes] = from;
        laneLength[lanes] = length;
        left[lanes] = bucket[0] - 1;
        right[lanes] = bucket[1];
        leftCommon[lanes] = 1;
        rightCommon[lanes] = 1;
        lanes++;
      }
      if (lanes == 0) {
        return out;
      }
      for (int k = 0; k < lanes; k++) {
        int j = -1;
        if (sampled != null) {
          int first = sampled.firstAbove(left[k]);
          int last = sampled.lastBelow(right[k]);
          if (first <= last) {
            j = (first + last) >>> 1;
          }
        }
        sampleOf[k] = j;
        if (j >= 0) {
          mid[k] = sampled.rank(j);
          probe[k] = sampled.position(j);
        } else {
          mid[k] = (left[k] + right[k]) >>> 1;
          probe[k] = sa.get(mid[k]);
        }
      }
      for (int k = 0; k < lanes; k++) {
        int from = laneFrom[k];
        int length = laneLength[k];
        int m = Math.min(leftCommon[k], rightCommon[k]);
        int j = sampleOf[k];
        if (j >= 0) {
          // The sample's key holds the symbols at offsets 1 to KEY_SYMBOLS.
          while (m < length && m <= SuffixSample.KEY_SYMBOLS) {
            int s = sampled.key(j, m);
            if (s != tokenIds[from + m] + 1) {
              break;
            }
            m++;
          }
        }
        common[k] = m;
        if (m < length) {
          long q = probe[k] + m;
          symbol[k] =
              j >= 0 && m <= SuffixSample.KEY_SYMBOLS
                  ? sampled.key(j, m)
                  : q < n ? tokens.get(q) : -1;
        }
      }
      for (int k = 0; k < lanes; k++) {
        int from = laneFrom[k];
        int length = laneLength[k];
        long p = probe[k];
        int m = common[k];
        int s = symbol[k];
        while (m < length && s == tokenIds[from + m] + 1) {
          if (++m == length) {
            break;
          }
          long q = p + m;
          s = q < n ? tokens.get(q) : -1;
        }
        boolean done;
        if (m == length) {
          out[from] = length;
          done = true;
        } else {
          if (s < tokenIds[from + m] + 1) {
            left[k] = mid[k];
            leftCommon[k] = m;
          } else {
            right[k] = mid[k];
            rightCommon[k] = m;
          }
          done = right[k] - left[k] <= 1;
          if (done) {
            out[from] = Math.max(leftCommon[k], rightCommon[k]);
          }
        }
        if (done) {
          // Move the last lane here and look at it in this same step.
          lanes--;
          laneFrom[k] = laneFrom[lanes];
          laneLength[k] = laneLength[lanes];
          left[k] = left[lanes];
          right[k] = right[lanes];
          leftCommon[k] = leftCommon[lanes];
          rightCommon[k] = rightCommon[lanes];
          mid[k] = mid[lanes];
          probe[k] = probe[lanes];
          sampleOf[k] = sampleOf[lanes];
          common[k] = common[lanes];
          symbol[k] = symbol[lanes];
          k--;
        }
      }
    }
  }

  /**
   * Length of the longest prefix of {@code tokenIds[from, ...)}, at most {@code maxLength} long,
   * that occurs in this shard, and its interval: {@code {length, lo, hi}} ({@code {0, 0, 0}} if
   * none).
   */
  public long[] longestMatch(int[] tokenIds, int from, int maxLength) {
    int length = longestMatchLength(tokenIds, from, maxLength);
    if (length == 0) {
      return new long[] {0, 0, 0};
    }
    long[] r = interval(tokenIds, from, from + length);
    return new long[] {length, r[0], r[1]};
  }

  /** Longest prefix of {@code tokenIds[from, ...)} occurring in this shard. */
  public int longestMatch(int[] tokenIds, int from) {
    return longestMatchLength(tokenIds, from, Integer.MAX_VALUE);
  }

  @Override
  public String toString() {
    return "Shard[" + dir + ", " + symbolCount() + " symbols]";
  }
}
