package io.payable.models.text;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods that Hugging Face chat templates call ({@code startswith}, {@code
 * split}, {@code strip}, ...), which Jinja inherits from Python and Jinjava, running on Java
 * strings, lacks. Resolves only method calls on strings; everything else falls through to Jinjava's
 * own resolvers.
 */
final class PythonStringMethods extends ELResolver {

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (!(base instanceof String s) || method == null) {
      return null;
    }
    Object[] p = params == null ? new Object[0] : params;
    Object out =
        switch (method.toString()) {
          case "startswith" -> p.length == 1 ? s.startsWith(str(p[0])) : null;
          case "endswith" -> p.length == 1 ? s.endsWith(str(p[0])) : null;
          case "strip" -> p.length == 0 ? s.strip() : rstrip(lstrip(s, str(p[0])), str(p[0]));
          case "lstrip" -> p.length == 0 ? s.stripLeading() : lstrip(s, str(p[0]));
          case "rstrip" -> p.length == 0 ? s.stripTrailing() : rstrip(s, str(p[0]));
          case "split" -> p.length == 1 ? split(s, str(p[0])) : null;
          case "upper" -> s.toUpperCase(Locale.ROOT);
          case "lower" -> s.toLowerCase(Locale.ROOT);
          default -> null;
        };
    if (out != null) {
      context.setPropertyResolved(true);
    }
    return out;
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    return s.substring(i);
  }

  private static String rstrip(String s, String chars) {
    int i = s.length();
    while (i > 0 && chars.indexOf(s.charAt(i - 1)) >= 0) {
      i--;
    }
    return s.substring(0, i);
  }

  /** Python's split on a literal separator (not a regular expression, unlike Java's). */
  private static List<String> split(String s, String sep) {
    List<String> out = new ArrayList<>();
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int from = 0;
    for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
      out.add(s.substring(from, at));
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}
}
