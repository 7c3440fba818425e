package io.payable.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class PlatformOptionsTest {

  private static Configuration config(Map<String, String> entries) {
    Configuration config = new Configuration();
    entries.forEach(config::setString);
    return config;
  }

  private static Configuration withBootstrap(String key, String value) {
    return config(Map.of("kafka.bootstrap-servers", "broker-1:9092,broker-2:9093", key, value));
  }

  @Test
  void passthroughReachesTheClientSettingsWithoutItsPrefix() {
    Configuration config =
        config(
            Map.of(
                "kafka.bootstrap-servers", "broker-1:9092",
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.producer.max-request-size", "2097152",
                "attribution.group-id", "g"));

    Properties client = PlatformOptions.kafkaClient(config);

    assertThat(client)
        .containsOnly(
            Map.entry("bootstrap.servers", "broker-1:9092"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"));
    assertThat(KafkaConnectors.transactionalProducer(config))
        .containsEntry("bootstrap.servers", "broker-1:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("max.request.size", "2097152");
  }

  @Test
  void validSettingsPass() {
    PlatformOptions.validate(
        config(
            Map.of(
                "kafka.bootstrap-servers", "broker-1:9092, broker-2:9093",
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.request.timeout.ms", "30000",
                "kafka.properties.fetch.max.bytes", "1048576",
                "kafka.properties.linger.ms", "5",
                "chain.rpc-url", "http://127.0.0.1:8545",
                "index.store", "s3://bucket/index")));
  }

  @Test
  void bootstrapServersAreRequiredAndHostPortPairs() {
    assertThatThrownBy(() -> PlatformOptions.validate(new Configuration()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kafka.bootstrap-servers is required");
    assertThatThrownBy(
            () ->
                PlatformOptions.validate(
                    config(Map.of("kafka.bootstrap-servers", "broker-1:9092,broker-2"))))
        .hasMessage("kafka.bootstrap-servers: 'broker-2' is not host:port");
  }

  @Test
  void aBogusSecurityProtocolFailsWithTheAllowedValues() {
    assertThatThrownBy(
            () ->
                PlatformOptions.validate(
                    withBootstrap("kafka.properties.security.protocol", "TLS")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.properties.security.protocol: Invalid value TLS")
        .hasMessageContaining("SASL_SSL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void wrongTypesUnknownKeysAndOwnedKeysAreRefused() {
    assertThatThrownBy(
            () ->
                PlatformOptions.validate(
                    withBootstrap("kafka.properties.request.timeout.ms", "soon")))
        .hasMessageStartingWith("kafka.properties.request.timeout.ms: Invalid value soon");
    assertThatThrownBy(
            () ->
                PlatformOptions.validate(withBootstrap("kafka.properties.securty.protocol", "SSL")))
        .hasMessage("kafka.properties.securty.protocol is not a Kafka client setting");
    assertThatThrownBy(
            () ->
                PlatformOptions.validate(
                    withBootstrap("kafka.properties.bootstrap.servers", "other:9092")))
        .hasMessage(
            "kafka.properties.bootstrap.servers is set by the jobs; use kafka.bootstrap-servers");
    assertThatThrownBy(
            () ->
                PlatformOptions.validate(
                    withBootstrap("kafka.properties.value.serializer", "com.example.S")))
        .hasMessage("kafka.properties.value.serializer is set by the jobs");
  }

  @Test
  void chainAndIndexStoreMustBeUris() {
    assertThatThrownBy(() -> PlatformOptions.validate(withBootstrap("chain.rpc-url", "8545")))
        .hasMessageStartingWith("chain.rpc-url: ");
    assertThatThrownBy(
            () -> PlatformOptions.validate(withBootstrap("chain.rpc-url", "ftp://host/rpc")))
        .hasMessageStartingWith("chain.rpc-url: ");
    assertThatThrownBy(() -> PlatformOptions.validate(withBootstrap("index.store", "bucket/index")))
        .hasMessageStartingWith("index.store: ");
  }

  @Test
  void everyJobNamesTheSharedOptionsItself() {
    assertThat(io.payable.jobs.ingest.IngestOptions.BOOTSTRAP_SERVERS)
        .isSameAs(PlatformOptions.BOOTSTRAP_SERVERS);
    assertThat(io.payable.jobs.attribution.AttributionOptions.MANIFEST_TOPIC)
        .isSameAs(PlatformOptions.MANIFEST_TOPIC);
    assertThat(io.payable.jobs.settlement.SettlementOptions.CHAIN_RPC_URL)
        .isSameAs(PlatformOptions.CHAIN_RPC_URL);
  }
}
