package io.payable.lora.http;

import io.payable.lora.worker.LoraWorker;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a growing token sequence into text deltas for streaming: the whole output is decoded each
 * time (token boundaries do not align with characters), text past a stop string is never sent, and
 * a tail that may still become a stop string or an unfinished UTF-8 character is held back until
 * the next tokens or the end decide it.
 */
final class TextDeltas {
  private final LoraWorker worker;
  private final List<String> stop;
  private final int holdBack;
  private int[] tokens = new int[16];
  private int count;
  private int sent;

  TextDeltas(LoraWorker worker, List<String> stop) {
    this.worker = worker;
    this.stop = stop;
    this.holdBack = stop.stream().mapToInt(String::length).max().orElse(1) - 1;
  }

  void add(int token) {
    if (count == tokens.length) {
      tokens = Arrays.copyOf(tokens, count * 2);
    }
    tokens[count++] = token;
  }

  /** The text not yet sent that is certain now; with {@code last}, everything left. */
  String next(boolean last) {
    String text = worker.text(Arrays.copyOf(tokens, count), stop);
    int end = text.length();
    if (!last) {
      end = Math.max(sent, end - holdBack);
      while (end > sent && text.charAt(end - 1) == '\uFFFD') {
        end--;
      }
    }
    if (end <= sent) {
      return "";
    }
    String delta = text.substring(sent, end);
    sent = end;
    return delta;
  }
}
