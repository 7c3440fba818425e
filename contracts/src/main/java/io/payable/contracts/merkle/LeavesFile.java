package io.payable.contracts.merkle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads reward leaves from JSON lines: {@code {"account":"0x..","cumulative":"123"}} per line. */
public final class LeavesFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LeavesFile() {}

  public static List<RewardLeaf> read(Path file) throws IOException {
    List<RewardLeaf> leaves = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        leaves.add(parse(line, file, number));
      }
    }
    return leaves;
  }

  private static RewardLeaf parse(String line, Path file, int number) {
    try {
      JsonNode row = JSON.readTree(line);
      JsonNode account = row.get("account");
      JsonNode cumulative = row.get("cumulative");
      if (account == null || cumulative == null) {
        throw new IllegalArgumentException("needs \"account\" and \"cumulative\"");
      }
      // Amounts are decimal strings (uint256 does not fit a JSON number); plain integers are
      // accepted.
      BigInteger amount =
          cumulative.isNumber()
              ? cumulative.bigIntegerValue()
              : new BigInteger(cumulative.asText());
      return new RewardLeaf(account.asText(), amount);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ":" + number + ": bad leaf: " + e.getMessage(), e);
    }
  }
}
