package io.payable.up;

import java.util.List;

/** The Kafka topics of the platform, as the architecture names them. */
public final class PlatformTopics {

  public static final String SUBMISSIONS = "datanet.submissions";
  public static final String SUBMISSION_REJECTIONS = "datanet.rejections";
  public static final String INDEX_MANIFEST = "index.manifest";
  public static final String INFERENCE_EVENTS = "inference.events";
  public static final String INFERENCE_REJECTIONS = "inference.rejections";
  public static final String REWARDS_ATTRIBUTED = "rewards.attributed";
  public static final String REWARD_REJECTIONS = "rewards.rejections";

  public static final List<String> ALL =
      List.of(
          SUBMISSIONS,
          SUBMISSION_REJECTIONS,
          INDEX_MANIFEST,
          INFERENCE_EVENTS,
          INFERENCE_REJECTIONS,
          REWARDS_ATTRIBUTED,
          REWARD_REJECTIONS);

  private PlatformTopics() {}
}
