package io.payable.ingest.validate;

import io.payable.ingest.record.Rejection;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side output every validation step sends its rejections to. */
public final class Rejections {

  public static final OutputTag<Rejection> TAG =
      new OutputTag<>("rejections", TypeInformation.of(Rejection.class));

  private Rejections() {}
}
