package io.payable.up.demo;

import io.payable.contracts.eip712.Eip712Domain;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.up.PlatformTopics;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  /** Returns the contributions sent (the replay not counted). */
  static List<Contribution> submit(
      DemoChain chain,
      String bootstrap,
      Path corpora,
      DemoPlan plan,
      ContributionTokenizer tokenizer) {
    Eip712Domain domain =
        Eip712Domain.payableDatanets(chain.anvil.chainId(), chain.deployment.datanetRegistry());
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    Map<Integer, Integer> nonces = new HashMap<>();
    List<Contribution> sent = new java.util.ArrayList<>();
    long now = System.currentTimeMillis() / 1000;
    byte[] last = null;
    byte[] lastKey = null;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      int d = 0;
      for (String datanet : plan.datanets()) {
        List<String> passages =
            DemoCorpora.passages(corpora, datanet, plan.passagesPerDatanet()).stream()
                .map(text -> fit(tokenizer, text, plan.seqLen()))
                .toList();
        for (int p = 0; p < passages.size(); p++) {
          // Two contributors per Datanet, overlapping across Datanets.
          int account = DemoChain.FIRST_CONTRIBUTOR + (d + (p % 2)) % DemoChain.CONTRIBUTORS;
          Credentials who = chain.credentials(account);
          // One increasing nonce per contributor, across Datanets.
          int nonce = nonces.merge(account, 1, Integer::sum);
          byte[] record =
              SubmissionWriter.toJson(
                  SubmissionSigner.sign(
                      domain,
                      who,
                      chain.datanetId(datanet),
                      BigInteger.valueOf(nonce),
                      now,
                      passages.get(p),
                      Optional.of("public-domain")));
          producer.send(
              new ProducerRecord<>(
                  PlatformTopics.SUBMISSIONS,
                  who.getAddress().getBytes(StandardCharsets.UTF_8),
                  record));
          last = record;
          lastKey = who.getAddress().getBytes(StandardCharsets.UTF_8);
          sent.add(new Contribution(datanet, account, passages.get(p)));
        }
        d++;
      }
      if (last != null) {
        // The same signed record again, after it (same key, same partition): its nonce is used
        // up, so it is rejected.
        producer.send(new ProducerRecord<>(PlatformTopics.SUBMISSIONS, lastKey, last));
      }
      producer.flush();
    }
    return List.copyOf(sent);
  }
}
