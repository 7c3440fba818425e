package io.payable.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest (or "development" when run from classes). */
public final class PayableVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = PayableVersion.class.getPackage().getImplementationVersion();
    return new String[] {"payable " + (version == null ? "development" : version)};
  }
}
