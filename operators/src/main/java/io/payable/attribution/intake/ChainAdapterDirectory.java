package io.payable.attribution.intake;

import io.payable.attribution.trace.AdapterInfo;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Adapters read from ModelRegistry (owner, Datanets, active flag) with their Datanets' treasuries
 * from DatanetRegistry, cached for {@code refreshMillis}. An adapter id that is not {@code 0x} + 64
 * hex digits is a name, registered under {@code keccak256(utf8(name))}, as Datanet names are.
 */
public final class ChainAdapterDirectory implements AdapterDirectory {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChainAdapterDirectory.class);

  private final String rpcUrl;
  private final String modelRegistry;
  private final String datanetRegistry;
  private final long refreshMillis;
  private final AdapterDirectory fallback;

  private transient ModelRegistry models;
  private transient DatanetRegistry datanets;
  private transient ConcurrentHashMap<String, Cached> cache;

  private record Cached(Optional<AdapterInfo> adapter, long readAt) {}

  public ChainAdapterDirectory(
      String rpcUrl,
      String modelRegistry,
      String datanetRegistry,
      long refreshMillis,
      AdapterDirectory fallback) {
    this.rpcUrl = rpcUrl;
    this.modelRegistry = modelRegistry;
    this.datanetRegistry = datanetRegistry;
    this.refreshMillis = refreshMillis;
    this.fallback = fallback;
  }

  /** The bytes32 registry key of an adapter id or name. */
  public static byte[] registryKey(String adapterId) {
    if (adapterId.matches("0x[0-9a-fA-F]{64}")) {
      return Numeric.hexStringToByteArray(adapterId);
    }
    return Hash.sha3(adapterId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void open() {
    Web3j web3j = Web3j.build(new HttpService(rpcUrl));
    models =
        ModelRegistry.load(
            modelRegistry,
            web3j,
            new ReadonlyTransactionManager(web3j, modelRegistry),
            new DefaultGasProvider());
    datanets =
        DatanetRegistry.load(
            datanetRegistry,
            web3j,
            new ReadonlyTransactionManager(web3j, datanetRegistry),
            new DefaultGasProvider());
    cache = new ConcurrentHashMap<>();
    fallback.open();
  }

  @Override
  public Optional<AdapterInfo> adapter(String adapterId) {
    long now = System.currentTimeMillis();
    Cached cached = cache.get(adapterId);
    if (cached != null && now - cached.readAt() < refreshMillis) {
      return cached.adapter();
    }
    try {
      Optional<AdapterInfo> adapter = read(adapterId);
      cache.put(adapterId, new Cached(adapter, now));
      return adapter;
    } catch (Exception e) {
      LOG.warn("Cannot read adapter {} from ModelRegistry: {}", adapterId, e.toString());
      return cached != null ? cached.adapter() : fallback.adapter(adapterId);
    }
  }

  private Optional<AdapterInfo> read(String adapterId) throws Exception {
    ModelRegistry.Adapter a = models.getAdapter(registryKey(adapterId)).send();
    if (a.owner == null
        || Numeric.toBigInt(a.owner).signum() == 0
        || !Boolean.TRUE.equals(a.active)) {
      return Optional.empty();
    }
    List<String> ids = new ArrayList<>();
    Map<String, String> treasuries = new LinkedHashMap<>();
    for (byte[] id : a.datanetIds) {
      String hex = Numeric.toHexString(id);
      ids.add(hex);
      treasuries.put(hex, datanets.treasuryOf(id).send().toLowerCase());
    }
    // Provenance.method: 0 spans, 1 gradient, 2 hybrid (zero for adapters registered untrained).
    int method = models.provenanceOf(registryKey(adapterId)).send().method.intValueExact();
    String[] methods = {AdapterInfo.SPANS, AdapterInfo.GRADIENT, AdapterInfo.HYBRID};
    return Optional.of(
        new AdapterInfo(adapterId, a.owner.toLowerCase(), ids, treasuries, methods[method]));
  }
}
