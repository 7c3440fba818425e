package io.payable.wire.inference;

import io.payable.wire.inference.InvalidInferenceBatchException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow IPC stream codec for a batch of {@link InferenceEvent}s: one schema message, exactly one
 * record batch, end-of-stream marker. One such stream is the payload of one Kafka record.
 *
 * <p>Decoding never trusts a length it reads: the IPC framing is scanned against the input size
 * before Arrow allocates anything, and Arrow itself runs under an allocator capped relative to the
 * input, so hostile bytes fail with {@link InvalidInferenceBatchException} rather than an {@link
 * OutOfMemoryError}.
 */
public final class InferenceEventCodec {

  /**
   * Version of the Arrow schema of batches without payment vouchers; stored in the schema metadata.
   */
  public static final int FORMAT_VERSION = 1;

  /** Version of the schema with the payment voucher columns ({@link #SCHEMA_V2}). */
  public static final int FORMAT_VERSION_PAID = 2;

  /** Version 1's fields and a nullable query sketch ({@link #SCHEMA_V3}). */
  public static final int FORMAT_VERSION_SKETCHED = 3;

  /** Version 2's fields and a nullable query sketch ({@link #SCHEMA_V4}). */
  public static final int FORMAT_VERSION_PAID_SKETCHED = 4;

  public static final String META_FORMAT = "payable.format";
  public static final String META_VERSION = "payable.format.version";
  public static final String FORMAT_NAME = "inference-event";

  /** Upper bound on rows in one batch; larger batches are split by the producer. */
  public static final int MAX_ROWS = 100_000;

  private static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;
  private static final ArrowType INT32 = new ArrowType.Int(32, true);
  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType TS_UTC = new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");

  private static final List<Field> FIELDS_V1 =
      List.of(
          field("event_id", UTF8),
          field("worker_id", UTF8),
          field("model_id", UTF8),
          field("adapter_id", UTF8),
          field("adapter_version", UTF8),
          field("consumer", UTF8),
          field("fee_wei", UTF8),
          field("price_basis", UTF8),
          field("price_wei", UTF8),
          field("output_text", UTF8),
          field("prompt_tokens", INT32),
          field("output_tokens", INT32),
          field("request_time", TS_UTC),
          field("first_token_time", TS_UTC),
          field("done_time", TS_UTC));

  /** The wire schema of version 1, field order is part of the format. */
  public static final Schema SCHEMA =
      new Schema(
          FIELDS_V1,
          Map.of(META_FORMAT, FORMAT_NAME, META_VERSION, Integer.toString(FORMAT_VERSION)));

  /**
   * Version 2: version 1's fields, then the consumer's voucher ({@code voucher_amount} decimal wei,
   * {@code voucher_expiry} unix seconds, {@code voucher_signature} 0x hex). Written for batches in
   * which every event carries a voucher.
   */
  public static final Schema SCHEMA_V2 =
      new Schema(
          concat(
              FIELDS_V1,
              field("voucher_amount", UTF8),
              field("voucher_expiry", INT64),
              field("voucher_signature", UTF8)),
          Map.of(META_FORMAT, FORMAT_NAME, META_VERSION, Integer.toString(FORMAT_VERSION_PAID)));

  /** The query sketch column (docs/formats.md): little-endian bfloat16 values, null when none. */
  private static final Field QUERY_SKETCH =
      new Field("query_sketch", FieldType.nullable(ArrowType.Binary.INSTANCE), null);

  /** The prompt's token ids the sketch was computed for: int32 little-endian, null when none. */
  private static final Field QUERY_PROMPT =
      new Field("query_prompt", FieldType.nullable(ArrowType.Binary.INSTANCE), null);

  /**
   * Version 3: version 1's fields, then {@code query_sketch} and {@code query_prompt} (nullable
   * binary, both null or neither). Written for unpaid batches in which some event carries a query
   * sketch.
   */
  public static final Schema SCHEMA_V3 =
      new Schema(
          concat(FIELDS_V1, QUERY_SKETCH, QUERY_PROMPT),
          Map.of(
              META_FORMAT, FORMAT_NAME, META_VERSION, Integer.toString(FORMAT_VERSION_SKETCHED)));

  /** Version 4: version 2's fields, then {@code query_sketch} and {@code query_prompt}. */
  public static final Schema SCHEMA_V4 =
      new Schema(
          concat(SCHEMA_V2.getFields(), QUERY_SKETCH, QUERY_PROMPT),
          Map.of(
              META_FORMAT,
              FORMAT_NAME,
              META_VERSION,
              Integer.toString(FORMAT_VERSION_PAID_SKETCHED)));

  /** Buffers per record batch: validity + offsets + data per string, validity + data otherwise. */
  private static final int BUFFERS = 10 * 3 + 5 * 2;

  private static final int BUFFERS_V2 = BUFFERS + 2 * 3 + 2;

  /** Two binary columns, each with validity, offsets and data buffers. */
  private static final int BUFFERS_SKETCH = 2 * 3;

  private static final BufferAllocator ROOT = new RootAllocator();

  private InferenceEventCodec() {}

  /** Off-heap bytes still held by the codec; zero between calls unless a decode leaked. */
  static long allocatedBytes() {
    return ROOT.getAllocatedMemory();
  }

  private static List<Field> concat(List<Field> head, Field... tail) {
    List<Field> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return List.copyOf(all);
  }

  private static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }

  /** Encodes a non-empty batch as an Arrow IPC stream. */
  public static byte[] encode(List<InferenceEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("an inference-event batch is never empty");
    }
    if (events.size() > MAX_ROWS) {
      throw new IllegalArgumentException("batch larger than " + MAX_ROWS + " rows");
    }
    long paid = events.stream().filter(e -> e.voucher() != null).count();
    if (paid != 0 && paid != events.size()) {
      throw new IllegalArgumentException(
          "a batch has vouchers on every event or on none; the worker splits mixed batches");
    }
    boolean v2 = paid != 0;
    boolean sketched = events.stream().anyMatch(e -> e.querySketch() != null);
    Schema schema = sketched ? (v2 ? SCHEMA_V4 : SCHEMA_V3) : (v2 ? SCHEMA_V2 : SCHEMA);
    try (BufferAllocator alloc = ROOT.newChildAllocator("encode", 0, Long.MAX_VALUE);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      root.allocateNew();
      int n = events.size();
      for (int i = 0; i < n; i++) {
        InferenceEvent e = events.get(i);
        utf8(root, "event_id", i, e.eventId());
        utf8(root, "worker_id", i, e.workerId());
        utf8(root, "model_id", i, e.modelId());
        utf8(root, "adapter_id", i, e.adapterId());
        utf8(root, "adapter_version", i, e.adapterVersion());
        utf8(root, "consumer", i, e.consumer());
        utf8(root, "fee_wei", i, e.feeWei().toString());
        utf8(root, "price_basis", i, e.priceBasis().name());
        utf8(root, "price_wei", i, e.priceWei().toString());
        utf8(root, "output_text", i, e.outputText());
        ((IntVector) root.getVector("prompt_tokens")).setSafe(i, e.promptTokens());
        ((IntVector) root.getVector("output_tokens")).setSafe(i, e.outputTokens());
        ts(root, "request_time", i, e.requestTime());
        ts(root, "first_token_time", i, e.firstTokenTime());
        ts(root, "done_time", i, e.doneTime());
        if (v2) {
          utf8(root, "voucher_amount", i, e.voucher().cumulativeAmount().toString());
          ((BigIntVector) root.getVector("voucher_expiry")).setSafe(i, e.voucher().expiry());
          utf8(root, "voucher_signature", i, e.voucher().signature());
        }
        if (sketched) {
          VarBinaryVector sketch = (VarBinaryVector) root.getVector("query_sketch");
          VarBinaryVector prompt = (VarBinaryVector) root.getVector("query_prompt");
          if (e.querySketch() == null) {
            sketch.setNull(i);
            prompt.setNull(i);
          } else {
            sketch.setSafe(i, e.querySketch().bytes());
            prompt.setSafe(i, e.querySketch().promptBytes());
          }
        }
      }
      root.setRowCount(n);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory Arrow write failed", e);
    }
  }

  private static void utf8(VectorSchemaRoot root, String name, int i, String v) {
    ByteBuffer bytes;
    try {
      // Strict: String.getBytes would replace a lone surrogate with '?', and the signed text
      // would then differ from the text the worker produced.
      bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(v));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(name + " of row " + i + " is not valid Unicode", e);
    }
    byte[] raw = new byte[bytes.remaining()];
    bytes.get(raw);
    ((VarCharVector) root.getVector(name)).setSafe(i, raw);
  }

  private static void ts(VectorSchemaRoot root, String name, int i, Instant v) {
    ((TimeStampMilliTZVector) root.getVector(name)).setSafe(i, v.toEpochMilli());
  }

  /**
   * Decodes an Arrow IPC stream written by {@link #encode}.
   *
   * @throws InvalidInferenceBatchException for any input that is not a valid batch
   */
  public static List<InferenceEvent> decode(byte[] bytes) throws InvalidInferenceBatchException {
    scanFraming(bytes);
    // Arrow may expand the input (validity buffers, offsets) but never by much for valid data.
    long limit = 8L * bytes.length + (1 << 20);
    try (BufferAllocator alloc = ROOT.newChildAllocator("decode", 0, limit);
        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), alloc)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      Schema schema = checkSchema(root.getSchema());
      if (!reader.loadNextBatch()) {
        throw new InvalidInferenceBatchException(Reason.EMPTY, "stream has no record batch");
      }
      List<InferenceEvent> events =
          readRows(
              root,
              schema == SCHEMA_V2 || schema == SCHEMA_V4,
              schema == SCHEMA_V3 || schema == SCHEMA_V4);
      if (reader.loadNextBatch()) {
        throw new InvalidInferenceBatchException(
            Reason.MALFORMED_ARROW, "more than one record batch in one record");
      }
      return events;
    } catch (InvalidInferenceBatchException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidInferenceBatchException(Reason.MALFORMED_ARROW, String.valueOf(e), e);
    }
  }

  /**
   * Walks the IPC message framing and checks every length against the bytes actually present, so no
   * later allocation can be larger than the input.
   */
  private static void scanFraming(byte[] bytes) throws InvalidInferenceBatchException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int messages = 0;
    int fields = -1;
    try {
      while (true) {
        if (buf.remaining() < 4) {
          throw new InvalidInferenceBatchException(Reason.TRUNCATED, "missing end-of-stream");
        }
        int len = buf.getInt();
        if (len == -1) {
          if (buf.remaining() < 4) {
            throw new InvalidInferenceBatchException(Reason.TRUNCATED, "missing message length");
          }
          len = buf.getInt();
        }
        if (len == 0) {
          break;
        }
        if (len < 0 || len > buf.remaining()) {
          throw new InvalidInferenceBatchException(
              Reason.TRUNCATED, "message length " + len + " exceeds the input");
        }
        ByteBuffer meta = buf.slice(buf.position(), len).order(ByteOrder.LITTLE_ENDIAN);
        Message message = Message.getRootAsMessage(meta);
        long body = message.bodyLength();
        buf.position(buf.position() + len);
        if (body < 0 || body > buf.remaining()) {
          throw new InvalidInferenceBatchException(
              Reason.TRUNCATED, "message body " + body + " exceeds the input");
        }
        // Exactly a schema, then a record batch: Arrow leaks the body of any other message type.
        byte expected = messages == 0 ? MessageHeader.Schema : MessageHeader.RecordBatch;
        if (message.headerType() != expected) {
          throw new InvalidInferenceBatchException(
              Reason.MALFORMED_ARROW,
              "message " + messages + " has header type " + message.headerType());
        }
        if (expected == MessageHeader.Schema) {
          org.apache.arrow.flatbuf.Schema schema =
              (org.apache.arrow.flatbuf.Schema)
                  message.header(new org.apache.arrow.flatbuf.Schema());
          fields = schema == null ? -1 : schema.fieldsLength();
        } else {
          checkRecordBatch(message, body, fields);
        }
        buf.position(buf.position() + (int) body);
        if (++messages > 2) {
          throw new InvalidInferenceBatchException(
              Reason.MALFORMED_ARROW, "more than a schema and one record batch");
        }
      }
    } catch (InvalidInferenceBatchException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInferenceBatchException(Reason.MALFORMED_ARROW, String.valueOf(e), e);
    }
  }

  /**
   * Checks a record batch's buffer layout against the body before Arrow slices it: Arrow leaks the
   * body buffer when slicing fails half way, so a bad layout must be refused here.
   */
  private static void checkRecordBatch(Message message, long bodyLength, int fields)
      throws InvalidInferenceBatchException {
    RecordBatch batch = (RecordBatch) message.header(new RecordBatch());
    if (batch == null || batch.compression() != null) {
      throw new InvalidInferenceBatchException(Reason.MALFORMED_ARROW, "bad record batch header");
    }
    if (batch.length() <= 0 || batch.length() > MAX_ROWS) {
      throw new InvalidInferenceBatchException(Reason.INVALID_FIELD, "row count " + batch.length());
    }
    int buffers =
        fields == SCHEMA.getFields().size()
            ? BUFFERS
            : fields == SCHEMA_V2.getFields().size()
                ? BUFFERS_V2
                : fields == SCHEMA_V3.getFields().size()
                    ? BUFFERS + BUFFERS_SKETCH
                    : fields == SCHEMA_V4.getFields().size() ? BUFFERS_V2 + BUFFERS_SKETCH : -1;
    if (batch.nodesLength() != fields || batch.buffersLength() != buffers) {
      throw new InvalidInferenceBatchException(
          Reason.SCHEMA_MISMATCH, "record batch layout differs from the schema");
    }
    // Versions 3 and 4 end with the only nullable columns, the query sketch and its prompt.
    int nullable =
        fields == SCHEMA_V3.getFields().size() || fields == SCHEMA_V4.getFields().size()
            ? fields - 2
            : Integer.MAX_VALUE;
    for (int i = 0; i < batch.nodesLength(); i++) {
      FieldNode node = batch.nodes(i);
      if (node.length() != batch.length()
          || node.nullCount() < 0
          || node.nullCount() > batch.length()
          || (node.nullCount() != 0 && i < nullable)) {
        throw new InvalidInferenceBatchException(
            Reason.INVALID_FIELD, "column " + i + " has nulls or a wrong length");
      }
    }
    for (int i = 0; i < batch.buffersLength(); i++) {
      Buffer b = batch.buffers(i);
      if (b.offset() < 0
          || b.length() < 0
          || b.offset() > bodyLength
          || b.length() > bodyLength - b.offset()) { // no overflow for huge offsets
        throw new InvalidInferenceBatchException(
            Reason.TRUNCATED, "buffer " + i + " lies outside the message body");
      }
    }
  }

  /** Returns the schema constant of the stream's version. */
  private static Schema checkSchema(Schema schema) throws InvalidInferenceBatchException {
    Map<String, String> meta = schema.getCustomMetadata();
    if (meta == null || !FORMAT_NAME.equals(meta.get(META_FORMAT))) {
      throw new InvalidInferenceBatchException(
          Reason.SCHEMA_MISMATCH, "not an inference-event stream");
    }
    String version = meta.get(META_VERSION);
    Schema expected;
    if (Integer.toString(FORMAT_VERSION).equals(version)) {
      expected = SCHEMA;
    } else if (Integer.toString(FORMAT_VERSION_PAID).equals(version)) {
      expected = SCHEMA_V2;
    } else if (Integer.toString(FORMAT_VERSION_SKETCHED).equals(version)) {
      expected = SCHEMA_V3;
    } else if (Integer.toString(FORMAT_VERSION_PAID_SKETCHED).equals(version)) {
      expected = SCHEMA_V4;
    } else {
      throw new InvalidInferenceBatchException(
          Reason.UNSUPPORTED_VERSION, "format version " + version);
    }
    if (!schema.getFields().equals(expected.getFields())) {
      throw new InvalidInferenceBatchException(
          Reason.SCHEMA_MISMATCH, "fields differ from inference-event v" + version);
    }
    return expected;
  }

  private static List<InferenceEvent> readRows(VectorSchemaRoot root, boolean v2, boolean sketched)
      throws InvalidInferenceBatchException {
    int n = root.getRowCount();
    if (n <= 0 || n > MAX_ROWS) {
      throw new InvalidInferenceBatchException(Reason.INVALID_FIELD, "row count " + n);
    }
    List<InferenceEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      try {
        events.add(
            new InferenceEvent(
                str(root, "event_id", i),
                str(root, "worker_id", i),
                str(root, "model_id", i),
                str(root, "adapter_id", i),
                str(root, "adapter_version", i),
                str(root, "consumer", i),
                uint256(str(root, "fee_wei", i), "fee_wei"),
                InferenceEvent.PriceBasis.valueOf(str(root, "price_basis", i)),
                uint256(str(root, "price_wei", i), "price_wei"),
                str(root, "output_text", i),
                intAt(root, "prompt_tokens", i),
                intAt(root, "output_tokens", i),
                tsAt(root, "request_time", i),
                tsAt(root, "first_token_time", i),
                tsAt(root, "done_time", i),
                v2
                    ? new InferenceEvent.PaymentVoucher(
                        uint256(str(root, "voucher_amount", i), "voucher_amount"),
                        longAt(root, "voucher_expiry", i),
                        str(root, "voucher_signature", i))
                    : null,
                sketched ? sketchAt(root, i) : null));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new InvalidInferenceBatchException(
            Reason.INVALID_FIELD, "row " + i + ": " + e.getMessage(), e);
      }
    }
    return events;
  }

  private static String str(VectorSchemaRoot root, String name, int i) {
    VarCharVector v = (VarCharVector) root.getVector(name);
    if (v.isNull(i)) {
      throw new IllegalArgumentException(name + " is null");
    }
    // VarCharVector.get allocates the value's length before any bounds check: check the offsets
    // against the data buffer first, so a hostile offset cannot demand a huge array.
    long start = v.getStartOffset(i);
    long end = v.getStartOffset(i + 1);
    if (start < 0 || end < start || end > v.getDataBuffer().capacity()) {
      throw new IllegalArgumentException(name + " offsets lie outside the data buffer");
    }
    try {
      // Strict UTF-8: a malformed string is a bad record, not a replacement character.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(v.get(i)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(name + " is not UTF-8", e);
    }
  }

  /**
   * A decimal uint256 (at most 78 digits): checked for length before parsing, since parsing a
   * number of a million digits takes quadratic time.
   */
  private static BigInteger uint256(String decimal, String name) {
    if (decimal.isEmpty() || decimal.length() > 78) {
      throw new IllegalArgumentException(
          name + " is not a uint256: " + decimal.length() + " chars");
    }
    return new BigInteger(decimal);
  }

  private static QuerySketch sketchAt(VectorSchemaRoot root, int i) {
    VarBinaryVector sketch = (VarBinaryVector) root.getVector("query_sketch");
    VarBinaryVector prompt = (VarBinaryVector) root.getVector("query_prompt");
    if (sketch.isNull(i) != prompt.isNull(i)) {
      throw new IllegalArgumentException("query_sketch and query_prompt are not both present");
    }
    if (sketch.isNull(i)) {
      return null;
    }
    return QuerySketch.ofBytes(
        binary(sketch, i, 2L * QuerySketch.MAX_DIMENSION),
        QuerySketch.promptTokensOf(binary(prompt, i, 4L * QuerySketch.MAX_PROMPT_TOKENS)));
  }

  private static byte[] binary(VarBinaryVector v, int i, long max) {
    long start = v.getStartOffset(i);
    long end = v.getStartOffset(i + 1);
    String name = v.getField().getName();
    if (start < 0 || end < start || end > v.getDataBuffer().capacity()) {
      throw new IllegalArgumentException(name + " offsets lie outside the data buffer");
    }
    if (end - start > max) {
      throw new IllegalArgumentException(name + " is " + (end - start) + " bytes");
    }
    return v.get(i);
  }

  private static int intAt(VectorSchemaRoot root, String name, int i) {
    IntVector v = (IntVector) root.getVector(name);
    if (v.isNull(i)) {
      throw new IllegalArgumentException(name + " is null");
    }
    return v.get(i);
  }

  private static long longAt(VectorSchemaRoot root, String name, int i) {
    BigIntVector v = (BigIntVector) root.getVector(name);
    if (v.isNull(i)) {
      throw new IllegalArgumentException(name + " is null");
    }
    return v.get(i);
  }

  private static Instant tsAt(VectorSchemaRoot root, String name, int i) {
    TimeStampMilliTZVector v = (TimeStampMilliTZVector) root.getVector(name);
    if (v.isNull(i)) {
      throw new IllegalArgumentException(name + " is null");
    }
    return Instant.ofEpochMilli(v.get(i));
  }
}
