package io.doppel.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads a TOML or YAML file into one neutral tree, so both formats are validated by the same code:
 * tables become {@code Map<String, Object>} (in file order), arrays {@code List<Object>}, integers
 * {@code Long} (or {@code BigInteger} when too large), decimals {@code Double}, plus {@code String}
 * and {@code Boolean}. Syntax errors are reported with line and column.
 */
final class ConfigTree {
  private ConfigTree() {}

  /** The format of a config file, decided by its extension. */
  enum Format {
    TOML,
    YAML
  }

  static Optional<Format> formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".toml")) {
      return Optional.of(Format.TOML);
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return Optional.of(Format.YAML);
    }
    return Optional.empty();
  }

  /** The file's top-level table, or empty when it has syntax errors (then added to errors). */
  static Optional<Map<String, Object>> read(String text, Format format, ConfigErrors errors) {
    return switch (format) {
      case TOML -> readToml(text, errors);
      case YAML -> readYaml(text, errors);
    };
  }

  static String readText(Path file) throws IOException {
    return Files.readString(file);
  }

  private static Optional<Map<String, Object>> readToml(String text, ConfigErrors errors) {
    TomlParseResult result = Toml.parse(text);
    if (result.hasErrors()) {
      for (TomlParseError e : result.errors()) {
        errors.addRaw(
            errors.file()
                + ":"
                + e.position().line()
                + ":"
                + e.position().column()
                + ": "
                + e.getMessage());
      }
      return Optional.empty();
    }
    return Optional.of(fromToml(result));
  }

  private static Map<String, Object> fromToml(TomlTable table) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : table.keySet()) {
      out.put(key, fromTomlValue(table.get(List.of(key))));
    }
    return out;
  }

  private static Object fromTomlValue(Object value) {
    if (value instanceof TomlTable t) {
      return fromToml(t);
    }
    if (value instanceof TomlArray a) {
      List<Object> out = new ArrayList<>(a.size());
      for (int i = 0; i < a.size(); i++) {
        out.add(fromTomlValue(a.get(i)));
      }
      return out;
    }
    return value;
  }

  private static Optional<Map<String, Object>> readYaml(String text, ConfigErrors errors) {
    YAMLMapper mapper = new YAMLMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
      errors.addRaw(errors.file() + where + ": " + e.getOriginalMessage());
      return Optional.empty();
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Optional.of(new LinkedHashMap<>());
    }
    if (!root.isObject()) {
      errors.addRaw(errors.file() + ": expected a mapping at the top level");
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) fromYaml(root);
    return Optional.of(table);
  }

  private static Object fromYaml(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : node.properties()) {
        out.put(f.getKey(), fromYaml(f.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>(node.size());
      node.forEach(n -> out.add(fromYaml(n)));
      return out;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return null;
    }
    return node.asText();
  }
}
