package io.payable.deploy;

import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.common.KafkaLimitOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;

/**
 * The configuration options a job reads, found by reflection: every public static {@link
 * ConfigOption} of the {@code *Options} classes in the job's package, and of {@link IcebergOptions}
 * shared by all jobs.
 */
final class JobOptions {

  private JobOptions() {}

  static boolean exists(String entryClass) {
    try {
      Class.forName(entryClass, false, JobOptions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Option key to option, for the job with this entry class. */
  static Map<String, ConfigOption<?>> of(String entryClass) {
    Map<String, ConfigOption<?>> out = new LinkedHashMap<>();
    List<Class<?>> classes = new ArrayList<>(optionClasses(packageOf(entryClass)));
    classes.add(IcebergOptions.class);
    classes.add(KafkaLimitOptions.class);
    for (Class<?> type : classes) {
      for (Field field : type.getFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && ConfigOption.class.isAssignableFrom(field.getType())) {
          try {
            ConfigOption<?> option = (ConfigOption<?>) field.get(null);
            out.put(option.key(), option);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return out;
  }

  /** The default values of the job's topic options (keys ending in "-topic"). */
  static List<String> defaultTopics(String entryClass) {
    return of(entryClass).values().stream()
        .filter(o -> o.key().endsWith("-topic") && o.hasDefaultValue())
        .map(o -> String.valueOf(o.defaultValue()))
        .toList();
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  private static List<Class<?>> optionClasses(String pkg) {
    List<Class<?>> out = new ArrayList<>();
    try {
      Enumeration<URL> dirs = JobOptions.class.getClassLoader().getResources(pkg.replace('.', '/'));
      while (dirs.hasMoreElements()) {
        URL url = dirs.nextElement();
        for (String name : classNames(url)) {
          if (name.endsWith("Options.class")) {
            out.add(
                Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length())));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException | ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no *Options class in " + pkg);
    }
    return out;
  }

  /** The class files directly in a package directory: of the build's classes, or of a jar. */
  private static List<String> classNames(URL url) throws IOException, URISyntaxException {
    List<String> names = new ArrayList<>();
    if (url.getProtocol().equals("file")) {
      File[] files = new File(url.toURI()).listFiles((d, n) -> n.endsWith(".class"));
      if (files != null) {
        for (File f : files) {
          names.add(f.getName());
        }
      }
    } else if (url.openConnection() instanceof JarURLConnection jar) {
      String dir = jar.getEntryName() + "/";
      jar.setUseCaches(false);
      try (JarFile file = jar.getJarFile()) {
        file.stream()
            .map(JarEntry::getName)
            .filter(n -> n.startsWith(dir) && n.endsWith(".class"))
            .map(n -> n.substring(dir.length()))
            .filter(n -> !n.contains("/"))
            .forEach(names::add);
      }
    }
    return names;
  }
}
