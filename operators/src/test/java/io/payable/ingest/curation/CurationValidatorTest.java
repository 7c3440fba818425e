package io.payable.ingest.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Withdrawal;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.DatanetStatus;
import io.payable.ingest.validate.Rejections;
import io.payable.ingest.validate.StaticDatanetDirectory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** Withdrawal signatures (real secp256k1 keys) and flag outcomes checked against the registry. */
class CurationValidatorTest {

  private static final long CHAIN = 31_337;
  private static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  private static final String DATANET = "0x" + "d1".repeat(32);
  private static final String CONTRIBUTION = "0x" + "01".repeat(32);
  // anvil's well-known development keys; never use them on a real network.
  private static final Credentials ALICE =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  private static final Credentials BOB =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final Eip712Domain DOMAIN = Eip712Domain.payableDatanets(CHAIN, REGISTRY);

  /** Flags as a registry would answer; only this contribution's flag is upheld, for ALICE. */
  private static final FlagDirectory FLAGS =
      id ->
          Optional.of(
              new FlagDirectory.FlagState(
                  DATANET,
                  ALICE.getAddress(),
                  id.equals(CONTRIBUTION) ? FlagDirectory.FlagState.UPHELD : 1,
                  "0x" + "5a".repeat(32),
                  true));

  private static long offset;

  private static RawRecord record(String json) {
    return new RawRecord(
        "datanet.curation", 0, offset++, 0L, json.getBytes(StandardCharsets.UTF_8));
  }

  private static String withdrawal(String contributor, String signature, long timestamp) {
    return """
        {"version":1,"type":"withdrawal","datanet_id":"%s","contribution_id":"%s",\
        "contributor":"%s","timestamp":%d,"signature":"%s"}"""
        .formatted(DATANET, CONTRIBUTION, contributor, timestamp, signature);
  }

  private static String flag(String contribution, String contributor) {
    return """
        {"version":1,"type":"flag_upheld","datanet_id":"%s","contribution_id":"%s",\
        "contributor":"%s","tx_hash":"0x%s"}"""
        .formatted(DATANET, contribution, contributor, "77".repeat(32));
  }

  private static OneInputStreamOperatorTestHarness<RawRecord, CurationRequest> harness(
      FlagDirectory flags) throws Exception {
    var h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(
                new CurationValidator(
                    1 << 16,
                    CHAIN,
                    REGISTRY,
                    new StaticDatanetDirectory(Map.of(DATANET, DatanetStatus.OPEN)),
                    flags)));
    h.open();
    return h;
  }

  @Test
  void acceptsSignedWithdrawalsAndChainUpheldFlagsAndRejectsTheRestWithReasons() throws Exception {
    String signed = Withdrawal.of(DATANET, CONTRIBUTION, 1_000).sign(DOMAIN, ALICE);
    String other = "0x" + "ee".repeat(32);
    List<String> inputs =
        List.of(
            withdrawal(ALICE.getAddress(), signed, 1_000),
            // Bob names Alice's contribution with Alice's signature: it recovers to Alice.
            withdrawal(BOB.getAddress(), signed, 1_000),
            // The signed timestamp changed: the signature no longer recovers to Alice.
            withdrawal(ALICE.getAddress(), signed, 1_001),
            withdrawal(ALICE.getAddress(), "0x" + "00".repeat(65), 1_000),
            flag(CONTRIBUTION, ALICE.getAddress()),
            flag(other, ALICE.getAddress()),
            flag(CONTRIBUTION, BOB.getAddress()),
            "{\"version\":1,\"type\":\"erase\",\"datanet_id\":\"" + DATANET + "\"}",
            "{\"version\":2}",
            "not json");
    try (var h = harness(FLAGS)) {
      for (String in : inputs) {
        h.processElement(new StreamRecord<>(record(in)));
      }
      List<CurationRequest> out = h.extractOutputValues();
      assertThat(out)
          .extracting(CurationRequest::type, CurationRequest::contributor)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  CurationRequest.WITHDRAWAL, ALICE.getAddress().toLowerCase()),
              org.assertj.core.groups.Tuple.tuple(
                  CurationRequest.FLAG_UPHELD, ALICE.getAddress().toLowerCase()));
      assertThat(out.get(1).reason()).isEqualTo("0x" + "5a".repeat(32));
      assertThat(out.get(1).contributorPenalized()).isTrue();
      assertThat(out.get(0).contributorPenalized()).isFalse();
      assertThat(h.getSideOutput(Rejections.TAG))
          .extracting(r -> r.getValue().reason())
          .containsExactly(
              "signer_mismatch",
              "signer_mismatch",
              "bad_signature",
              "flag_not_upheld",
              "flag_not_upheld",
              "unknown_curation_type",
              "unsupported_version",
              "not_json");
      // received = accepted + rejected
      assertThat(out.size() + h.getSideOutput(Rejections.TAG).size()).isEqualTo(inputs.size());
    }
  }

  @Test
  void withoutAChainAFlagOutcomeIsUnverifiable() throws Exception {
    try (var h = harness(FlagDirectory.NONE)) {
      h.processElement(new StreamRecord<>(record(flag(CONTRIBUTION, ALICE.getAddress()))));
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.getSideOutput(Rejections.TAG))
          .extracting(r -> ((Rejection) r.getValue()).reason())
          .containsExactly("unverifiable_flag");
    }
  }
}
