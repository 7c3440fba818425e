package io.payable.attribution.split;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Largest-remainder apportionment of an integer amount by exact quotas: each key gets the floor of
 * its quota, then the wei left go one each to the largest fractional parts (ties by ascending key).
 * Quotas are exact decimals, so nothing depends on floating-point rounding.
 */
final class LargestRemainder {

  private LargestRemainder() {}

  /**
   * Apportions {@code amount} by {@code weights}: key k's quota is amount × weight(k) / sum. Keys
   * with a zero weight get nothing. Returns amounts summing to {@code amount} exactly, or an empty
   * map when every weight is zero.
   */
  static Map<String, BigInteger> byWeights(BigInteger amount, Map<String, BigDecimal> weights) {
    BigDecimal total = weights.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    if (total.signum() == 0) {
      return Map.of();
    }
    Map<String, BigDecimal> quotas = new LinkedHashMap<>();
    BigDecimal whole = new BigDecimal(amount);
    // 80 digits keep every quota exact to far under one wei for any uint256 amount, so the
    // floors leave at most one wei per key and apportion() places all of them.
    weights.forEach(
        (key, w) -> quotas.put(key, whole.multiply(w).divide(total, 80, RoundingMode.DOWN)));
    return apportion(amount, quotas);
  }

  /**
   * Each key gets the floor of its quota; then the {@code amount} − (sum of floors) wei left go one
   * each to the keys with the largest fractional parts (ties by ascending key), at most one per
   * key. What is still left (quotas summing well under the amount) is not handed out: the caller
   * decides where it goes. Quotas must not sum above {@code amount}.
   */
  static Map<String, BigInteger> apportion(BigInteger amount, Map<String, BigDecimal> quotas) {
    Map<String, BigInteger> out = new LinkedHashMap<>();
    BigInteger floors = BigInteger.ZERO;
    for (Map.Entry<String, BigDecimal> e : quotas.entrySet()) {
      BigInteger floor = e.getValue().setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
      out.put(e.getKey(), floor);
      floors = floors.add(floor);
    }
    BigInteger left = amount.subtract(floors);
    List<String> order = new ArrayList<>(quotas.keySet());
    order.sort(
        Comparator.comparing((String k) -> fraction(quotas.get(k)), Comparator.reverseOrder())
            .thenComparing(Comparator.naturalOrder()));
    for (int i = 0; i < order.size() && left.signum() > 0; i++) {
      out.merge(order.get(i), BigInteger.ONE, BigInteger::add);
      left = left.subtract(BigInteger.ONE);
    }
    return out;
  }

  private static BigDecimal fraction(BigDecimal quota) {
    return quota.subtract(quota.setScale(0, RoundingMode.FLOOR));
  }
}
