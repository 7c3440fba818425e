package io.payable.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;

/** Parses durations the way Flink configuration does: {@code 20s}, {@code 5 min}, {@code 1h}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return TimeUtils.parseDuration(value);
  }
}
