package io.payable.attribution.split;

/** Why a recipient is paid from an inference fee. */
public enum PayoutRole {
  CONTRIBUTOR,
  DATANET_TREASURY,
  MODEL_OWNER,
  WORKER,
  PROTOCOL
}
