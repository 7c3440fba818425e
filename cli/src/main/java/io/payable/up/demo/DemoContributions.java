package io.payable.up.demo;

import io.payable.contracts.eip712.Eip712Domain;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.up.PlatformTopics;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.Credentials;

/**
 * Signs the corpora's passages as contributions (EIP-712, as a wallet would) by several
 * contributors and publishes them to {@code datanet.submissions}, plus one replay, which the ingest
 * job rejects.
 */
public final class DemoContributions {

  private DemoContributions() {}

  /** A signed contribution as sent. */
  public record Contribution(String datanet, int contributor, String text) {}

  /**
   * The longest beginning of {@code passage} that is exactly {@code tokens} training tokens
   * (special tokens included), preferring one that ends with a whole word; when none is exactly
   * that long, the longest that is shorter. Contributions of exactly one training sequence each are
   * packed one per sequence, so every sequence starts with a contribution's beginning, as a prompt
   * does.
   */
  static String fit(ContributionTokenizer tokenizer, String passage, int tokens) {
    String exact = null;
    String shorter = passage;
    for (int end = 1; end <= passage.length(); end++) {
      if (Character.isWhitespace(passage.charAt(end - 1))) {
        continue;
      }
      boolean wordEnd = end == passage.length() || Character.isWhitespace(passage.charAt(end));
      int n = tokenizer.tokens(passage.substring(0, end)).length;
      if (n > tokens) {
        break;
      }
      if (n == tokens && (exact == null || wordEnd)) {
        exact = passage.substring(0, end);
      }
      shorter = passage.substring(0, end);
    }
    return exact != null ? exact : shorter;
  }

  /**
   * The contributions of {@code plan}, in the order {@link #submit} signs and sends them: the
   * beginnings of each Datanet's passages, two contributors per Datanet, overlapping across
   * Datanets. The same for the same plan and corpora, so that a restart knows what an earlier run
   * submitted without submitting it again.
   */
  static List<Contribution> of(DemoPlan plan, Path corpora, ContributionTokenizer tokenizer) {
    List<Contribution> all = new ArrayList<>();
    int d = 0;
    for (String datanet : plan.datanets()) {
      List<String> passages =
          DemoCorpora.passages(corpora, datanet, plan.passagesPerDatanet()).stream()
              .map(text -> fit(tokenizer, text, plan.seqLen()))
              .toList();
      for (int p = 0; p < passages.size(); p++) {
        int account = DemoChain.FIRST_CONTRIBUTOR + (d + (p % 2)) % DemoChain.CONTRIBUTORS;
        all.add(new Contribution(datanet, account, passages.get(p)));
      }
      d++;
    }
    return List.copyOf(all);
  }

  /** Signs and sends {@code contributions} (from {@link #of}), then a replay of the last one. */
  static void submit(DemoChain chain, String bootstrap, List<Contribution> contributions) {
    Eip712Domain domain =
        Eip712Domain.payableDatanets(chain.anvil.chainId(), chain.deployment.datanetRegistry());
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    Map<Integer, Integer> nonces = new HashMap<>();
    long now = System.currentTimeMillis() / 1000;
    byte[] last = null;
    byte[] lastKey = null;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (Contribution c : contributions) {
        Credentials who = chain.credentials(c.contributor());
        // One increasing nonce per contributor, across Datanets.
        int nonce = nonces.merge(c.contributor(), 1, Integer::sum);
        byte[] record =
            SubmissionWriter.toJson(
                SubmissionSigner.sign(
                    domain,
                    who,
                    chain.datanetId(c.datanet()),
                    BigInteger.valueOf(nonce),
                    now,
                    c.text(),
                    Optional.of("public-domain")));
        byte[] key = who.getAddress().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(PlatformTopics.SUBMISSIONS, key, record));
        last = record;
        lastKey = key;
      }
      if (last != null) {
        // The same signed record again, after it (same key, same partition): its nonce is used
        // up, so it is rejected.
        producer.send(new ProducerRecord<>(PlatformTopics.SUBMISSIONS, lastKey, last));
      }
      producer.flush();
    }
  }

  /**
   * Whether {@code datanet.submissions} holds records already: an earlier run on the same data
   * directory submitted the contributions, and the ingest job resumes from its checkpoint.
   */
  static boolean submittedBefore(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      var partitions =
          admin
              .describeTopics(List.of(PlatformTopics.SUBMISSIONS))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(PlatformTopics.SUBMISSIONS)
              .partitions();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var p : partitions) {
        latest.put(
            new TopicPartition(PlatformTopics.SUBMISSIONS, p.partition()), OffsetSpec.latest());
      }
      for (var offset : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values()) {
        if (offset.offset() > 0) {
          return true;
        }
      }
      return false;
    }
  }
}
