package io.payable.cli.sql;

import java.util.List;

/** A plain-text table with a header, as SQL shells print results. */
final class TextTable {

  private TextTable() {}

  static String render(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    String rule = rule(widths);
    out.append(rule).append(line(header, widths)).append(rule);
    for (List<String> row : rows) {
      out.append(line(row, widths));
    }
    out.append(rule);
    return out.toString();
  }

  private static String rule(int[] widths) {
    StringBuilder out = new StringBuilder("+");
    for (int w : widths) {
      out.append("-".repeat(w + 2)).append('+');
    }
    return out.append('\n').toString();
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder out = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      out.append(' ').append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length()));
      out.append(" |");
    }
    return out.append('\n').toString();
  }
}
