package io.payable.jobs.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardManifest;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.ingest.shard.ShardId;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.IndexedDocument;
import io.payable.loadgen.InferenceEvents;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.web3j.crypto.ECKeyPair;

/** An index of generated documents on disk, its manifest events, and signed event batches. */
final class AttributionFixtures {

  static final String D1 = "0x" + "d1".repeat(32);
  static final String D2 = "0x" + "d2".repeat(32);
  static final String ADAPTER = "legal-qa";
  static final String OWNER = "0x" + "0e".repeat(20);
  static final String PROTOCOL = "0x" + "9f".repeat(20);
  static final String TREASURY_1 = "0x" + "71".repeat(20);
  static final String TREASURY_2 = "0x" + "72".repeat(20);
  static final String OPERATOR = "0x" + "0b".repeat(20);
  static final ECKeyPair WORKER = ECKeyPair.create(BigInteger.valueOf(0xa11ce));
  static final ECKeyPair STRANGER = ECKeyPair.create(BigInteger.valueOf(0xbad));

  private static final String[] WORDS =
      ("the of and to in is was he that it his for with as had on at by this be from but not"
              + " they which were all one have or an there we their been she when who her would"
              + " more if out so up said what about into than them can only other new some could"
              + " time these two may then do first any my now such like our over man me even most"
              + " made after also did many before must through back years where much your way well"
              + " down should because each just those people how too little state good very make"
              + " world still own see men work long get here between both life being under never"
              + " day same another know while last might us great old year off come since against"
              + " go came right used take three river harbor whale ship captain sea voyage winter")
          .split(" ");

  private AttributionFixtures() {}

  static String contributor(int i) {
    return String.format("0x%040x", 0xc0000 + i);
  }

  /** A document of {@code words} random common words: long passages are unique to it. */
  static String text(Random random, int words) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < words; w++) {
      sb.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return sb.append('.').toString();
  }

  /**
   * Writes one shard of {@code docs} to {@code store/<datanet>/shard-<sequence>} and returns its
   * manifest event, as the ingest job would publish it.
   */
  static ShardManifestEvent shard(
      Path store, String datanet, long sequence, List<IndexedDocument> docs) {
    ShardWriter writer = new ShardWriter(Tokenizers.byId("o200k_base"));
    for (IndexedDocument d : docs) {
      writer.add(new Document(d.docId(), d.datanetId(), d.contributor(), d.text()));
    }
    Path dir = store.resolve(datanet).resolve(String.format("shard-%010d", sequence));
    ShardManifest manifest = writer.write(dir);
    return new ShardManifestEvent(
        ShardManifestEvent.SEALED,
        datanet,
        ShardId.of(datanet, sequence),
        sequence,
        dir.toUri().toString(),
        docs.size(),
        manifest.tokens(),
        "0x" + "00".repeat(32),
        "o200k_base",
        System.currentTimeMillis(),
        List.of());
  }

  static List<IndexedDocument> documents(Random random, String datanet, int first, int count) {
    List<IndexedDocument> docs = new ArrayList<>();
    for (int c = first; c < first + count; c++) {
      for (int d = 0; d < 3; d++) {
        docs.add(
            new IndexedDocument(
                "doc-" + c + "-" + d + "-" + datanet.substring(2, 6),
                datanet,
                contributor(c),
                text(random, 150)));
      }
    }
    return docs;
  }

  static InferenceEvent event(String id, String adapter, String output, BigInteger price) {
    return InferenceEvents.of(
        id,
        InferenceEventEnvelope.address(WORKER),
        "tiny-base",
        adapter,
        "0x" + "cc".repeat(20),
        price,
        output,
        Instant.now());
  }

  static byte[] signed(List<InferenceEvent> events) {
    return InferenceEventEnvelope.sign(events, WORKER);
  }

  /** Contributors the committed reward of {@code eventId} credits (waits up to a minute). */
  static Set<String> credited(EmbeddedKafka kafka, String prefix, String eventId)
      throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode n : PlatformIo.consume(kafka, prefix + "rewards.attributed", 0)) {
        if (eventId.equals(n.get("event_id").asText())) {
          Set<String> out = new HashSet<>();
          n.get("payouts")
              .forEach(
                  p -> {
                    if ("contributor".equals(p.get("role").asText())) {
                      out.add(p.get("recipient").asText());
                    }
                  });
          return out;
        }
      }
    }
    throw new AssertionError("no reward for " + eventId);
  }
}
