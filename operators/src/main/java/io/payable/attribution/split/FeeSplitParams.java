package io.payable.attribution.split;

/**
 * The fee split of ProtocolParams, in basis points of the fee.
 *
 * @param dataBps the data contributors' pool
 * @param modelOwnerBps the adapter owner's share
 * @param workerBps the GPU worker operator's share
 * @param protocolBps the protocol treasury's share
 */
public record FeeSplitParams(int dataBps, int modelOwnerBps, int workerBps, int protocolBps)
    implements java.io.Serializable {

  public static final int TOTAL_BPS = 10_000;

  public FeeSplitParams {
    if (dataBps < 0 || modelOwnerBps < 0 || workerBps < 0 || protocolBps < 0) {
      throw new IllegalArgumentException("basis points must not be negative");
    }
    if (dataBps + modelOwnerBps + workerBps + protocolBps != TOTAL_BPS) {
      throw new IllegalArgumentException("the fee split must sum to 10,000 bps");
    }
  }
}
