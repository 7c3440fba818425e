package io.payable.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;

/** Every component of the embedded stack does real work, and closing it frees everything. */
class EmbeddedStackITCase {

  @Test
  void everyComponentServesRequestsAndTheTemporaryDirectoryGoesAway() throws Exception {
    java.nio.file.Path dataDir;
    try (EmbeddedStack stack = EmbeddedStack.start(null, 2)) {
      dataDir = stack.dataDir();

      try (Admin admin = Admin.create(stack.kafka().clientProperties())) {
        Set<String> topics = admin.listTopics().names().get();
        assertThat(topics).containsAll(PlatformTopics.ALL);
      }

      Web3j web3j = stack.chain().newClient();
      try {
        assertThat(web3j.ethChainId().send().getChainId().longValue()).isEqualTo(31337L);
      } finally {
        web3j.shutdown();
      }

      TableIdentifier id = TableIdentifier.of(Namespace.of("smoke"), "t");
      stack
          .warehouse()
          .catalog()
          .createTable(id, new Schema(Types.NestedField.required(1, "x", Types.LongType.get())));
      assertThat(stack.warehouse().catalog().tableExists(id)).isTrue();

      HttpResponse<String> overview =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(stack.flink().restAddress() + "/overview"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(overview.statusCode()).isEqualTo(200);
      assertThat(overview.body()).contains("\"slots-total\":2");

      StreamExecutionEnvironment env = stack.flink().environment();
      List<Long> squares = env.fromSequence(1, 10).map(x -> x * x).executeAndCollect("smoke", 100);
      assertThat(squares).containsExactlyInAnyOrder(1L, 4L, 9L, 16L, 25L, 36L, 49L, 64L, 81L, 100L);
    }
    assertThat(Files.exists(dataDir)).isFalse();
  }
}
