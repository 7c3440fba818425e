package io.payable.factory.chain;

import io.payable.factory.FactoryException;
import java.util.Locale;

/**
 * How an adapter's outputs are attributed to contributions; the order is ModelRegistry's {@code
 * AttributionMethod} enum.
 */
public enum AttributionMethod {
  SPANS,
  GRADIENT,
  HYBRID;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AttributionMethod of(String code) {
    for (AttributionMethod m : values()) {
      if (m.code().equalsIgnoreCase(code)) {
        return m;
      }
    }
    throw new FactoryException(
        "bad_attribution_method", "attribution method must be spans, gradient or hybrid: " + code);
  }
}
