package io.payable.ingest.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The stateful curation checks: ownership, replays, unknown contributions, and restore. */
class CurationGuardTest {

  private static final String DATANET = "0x" + "d1".repeat(32);
  private static final String ALICE = "0x" + "a1".repeat(20);
  private static final String BOB = "0x" + "b2".repeat(20);
  private static final String C1 = "0x" + "01".repeat(32);
  private static final String C2 = "0x" + "02".repeat(32);

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, AcceptedContribution, CurationRequest, ContributionEvent>
      harness() throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new CurationGuard()),
            AcceptedContribution::datanetId,
            CurationRequest::datanetId,
            Types.STRING);
    h.setup();
    return h;
  }

  private static AcceptedContribution contribution(String id, String contributor) {
    return new AcceptedContribution(
        id,
        DATANET,
        contributor,
        "0x" + "cc".repeat(32),
        BigInteger.ONE,
        "text",
        new int[] {1, 2},
        4,
        1L,
        2L,
        null,
        null);
  }

  private static long offset;

  private static CurationRequest withdrawal(String id, String contributor) {
    return new CurationRequest(
        new RawRecord("datanet.curation", 0, offset++, 0L, new byte[] {1}),
        CurationRequest.WITHDRAWAL,
        DATANET,
        id,
        contributor,
        1_763_700_000L,
        ContributionEvent.CONTRIBUTOR_REQUEST,
        null,
        false);
  }

  private static CurationRequest upheld(String id, String contributor) {
    return upheld(id, contributor, false);
  }

  private static CurationRequest upheld(String id, String contributor, boolean penalized) {
    return new CurationRequest(
        new RawRecord("datanet.curation", 0, offset++, 0L, new byte[] {2}),
        CurationRequest.FLAG_UPHELD,
        DATANET,
        id,
        contributor,
        0,
        "0x" + "5a".repeat(32),
        "0x" + "77".repeat(32),
        penalized);
  }

  private static List<String> reasons(ConcurrentLinkedQueue<StreamRecord<Rejection>> out) {
    return out == null ? List.of() : out.stream().map(r -> r.getValue().reason()).toList();
  }

  @Test
  void theOwnerWithdrawsOnceAndEveryOtherRequestIsRejectedWithItsReason() throws Exception {
    try (var h = harness()) {
      h.open();
      h.setProcessingTime(1_000);
      h.processElement2(new StreamRecord<>(withdrawal(C1, ALICE)));
      h.processElement1(new StreamRecord<>(contribution(C1, ALICE)));
      h.processElement1(new StreamRecord<>(contribution(C2, BOB)));
      h.setProcessingTime(5_000);
      h.processElement2(new StreamRecord<>(withdrawal(C2, ALICE)));
      h.processElement2(new StreamRecord<>(withdrawal(C1, ALICE)));
      h.processElement2(new StreamRecord<>(withdrawal(C1, ALICE)));
      h.processElement2(new StreamRecord<>(upheld(C1, ALICE)));
      h.processElement2(new StreamRecord<>(upheld(C2, BOB)));

      List<ContributionEvent> events = h.extractOutputValues();
      assertThat(events)
          .extracting(ContributionEvent::contributionId, ContributionEvent::eventType)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(C1, ContributionEvent.WITHDRAWN),
              org.assertj.core.groups.Tuple.tuple(C2, ContributionEvent.FLAG_UPHELD));
      assertThat(events.get(0).effectiveAt()).isEqualTo(5_000);
      assertThat(events.get(0).contributor()).isEqualTo(ALICE);
      assertThat(events.get(1).txHash()).isEqualTo("0x" + "77".repeat(32));
      assertThat(events.get(1).reason()).isEqualTo("0x" + "5a".repeat(32));
      assertThat(events.get(0).eventId()).isNotEqualTo(events.get(1).eventId());
      assertThat(reasons(h.getSideOutput(Rejections.TAG)))
          .containsExactly(
              "unknown_contribution",
              "not_contribution_owner",
              "already_withdrawn",
              "already_tombstoned");
    }
  }

  @Test
  void theFlagThatPenalisesAContributorAnnouncesThePenaltyOnce() throws Exception {
    String c3 = "0x" + "03".repeat(32);
    try (var h = harness()) {
      h.open();
      h.setProcessingTime(7_000);
      h.processElement1(new StreamRecord<>(contribution(C1, BOB)));
      h.processElement1(new StreamRecord<>(contribution(C2, BOB)));
      h.processElement1(new StreamRecord<>(contribution(c3, BOB)));
      h.processElement2(new StreamRecord<>(upheld(C1, BOB, false)));
      h.processElement2(new StreamRecord<>(upheld(C2, BOB, true)));
      h.processElement2(new StreamRecord<>(upheld(c3, BOB, true)));
      assertThat(h.extractOutputValues()).hasSize(3);
      var penalties = h.getSideOutput(CurationGuard.PENALTIES);
      assertThat(penalties).hasSize(1);
      var penalty = penalties.peek().getValue();
      assertThat(penalty.isPenalty()).isTrue();
      assertThat(penalty.contributor()).isEqualTo(BOB);
      assertThat(penalty.datanetId()).isEqualTo(DATANET);
      assertThat(penalty.effectiveAt()).isEqualTo(7_000);
    }
  }

  @Test
  void aRestoredGuardRemembersOwnersAndTombstones() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processElement1(new StreamRecord<>(contribution(C1, ALICE)));
      h.processElement1(new StreamRecord<>(contribution(C2, BOB)));
      h.processElement2(new StreamRecord<>(withdrawal(C1, ALICE)));
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      h.processElement2(new StreamRecord<>(withdrawal(C1, ALICE)));
      h.processElement2(new StreamRecord<>(withdrawal(C2, BOB)));
      assertThat(h.extractOutputValues())
          .extracting(ContributionEvent::contributionId)
          .containsExactly(C2);
      assertThat(reasons(h.getSideOutput(Rejections.TAG))).containsExactly("already_withdrawn");
    }
  }
}
