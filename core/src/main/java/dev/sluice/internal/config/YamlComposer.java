package dev.sluice.internal.config;

import dev.sluice.config.ConfigProblem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Composes YAML text into a {@link ConfigNode} tree: SnakeYAML's node API keeps the line of every
 * key and value, which data binding would lose. Reports syntax errors, duplicate keys and bad
 * {@code ${ENV}} references as problems rather than failing on the first.
 */
final class YamlComposer {
  /** Deeper than any sane configuration; guards against recursive aliases. */
  private static final int MAX_DEPTH = 64;

  private final EnvSubstitution env;
  private final List<ConfigProblem> problems;
  private final Set<String> unresolved = new HashSet<>();
  private final Map<Node, Boolean> onPath = new IdentityHashMap<>();

  private YamlComposer(Map<String, String> env, List<ConfigProblem> problems) {
    this.env = new EnvSubstitution(env);
    this.problems = problems;
  }

  /**
   * The root mapping of {@code yaml}; an empty mapping for an empty document or when the text is
   * not valid YAML (the problem is added to {@code problems}, and its cause returned through it).
   */
  static Result compose(String yaml, Map<String, String> env, List<ConfigProblem> problems) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext();
      if (context != null) {
        // SnakeYAML splits some messages in two: "expected a single document" + "but found..."
        what = what.startsWith("but ") ? context + " " + what : what + " (" + context + ")";
      }
      problems.add(new ConfigProblem("", mark == null ? 0 : mark.getLine() + 1,
          "not valid YAML: " + what));
      return new Result(ConfigNode.Mapping.empty(), e, Set.of());
    } catch (YAMLException e) {
      problems.add(new ConfigProblem("", 0, "not valid YAML: " + e.getMessage()));
      return new Result(ConfigNode.Mapping.empty(), e, Set.of());
    }
    if (root == null) {
      return new Result(ConfigNode.Mapping.empty(), null, Set.of());
    }
    YamlComposer composer = new YamlComposer(env, problems);
    ConfigNode tree = composer.convert(root, "", 0);
    Set<String> unresolved = Set.copyOf(composer.unresolved);
    if (tree instanceof ConfigNode.Mapping mapping) {
      return new Result(mapping, null, unresolved);
    }
    if (tree instanceof ConfigNode.Scalar s && s.isNull()) {
      return new Result(ConfigNode.Mapping.empty(), null, unresolved);
    }
    problems.add(new ConfigProblem("", tree.line(), "expected a map of sections (server,"
        + " transport, processors, ...) at the top of the file, got " + tree.kind()));
    return new Result(ConfigNode.Mapping.empty(), null, unresolved);
  }

  /**
   * The root, the syntax error behind a problem (if any), and the key paths whose {@code ${...}}
   * could not be resolved: their values are not what the user meant, so later problems about
   * them are noise.
   */
  record Result(ConfigNode.Mapping root, Exception cause, Set<String> unresolved) {}

  private ConfigNode convert(Node node, String path, int depth) {
    int line = node.getStartMark().getLine() + 1;
    if (depth > MAX_DEPTH || onPath.containsKey(node)) {
      problems.add(new ConfigProblem(path, line, "nested too deeply (a recursive alias?)"));
      return new ConfigNode.Scalar(null, "null", line);
    }
    onPath.put(node, Boolean.TRUE);
    try {
      if (node instanceof ScalarNode scalar) {
        return scalar(scalar, path, line);
      }
      if (node instanceof SequenceNode sequence) {
        List<ConfigNode> items = new ArrayList<>();
        List<Node> values = sequence.getValue();
        for (int i = 0; i < values.size(); i++) {
          items.add(convert(values.get(i), path + "[" + i + "]", depth + 1));
        }
        return new ConfigNode.Sequence(items, line);
      }
      return mapping((MappingNode) node, path, line, depth);
    } finally {
      onPath.remove(node);
    }
  }

  private ConfigNode scalar(ScalarNode scalar, String path, int line) {
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return new ConfigNode.Scalar(null, "null", line);
    }
    boolean[] fromFile = {false};
    String text = env.substitute(scalar.getValue(),
        message -> {
          problems.add(new ConfigProblem(path, line, message));
          unresolved.add(path);
        }, () -> fromFile[0] = true);
    String type = fromFile[0] ? ConfigNode.Scalar.SECRET
        : text.equals(scalar.getValue()) ? typeOf(tag) : "str";
    return new ConfigNode.Scalar(text, type, line);
  }

  private static String typeOf(Tag tag) {
    if (Tag.INT.equals(tag)) {
      return "int";
    }
    if (Tag.FLOAT.equals(tag)) {
      return "float";
    }
    if (Tag.BOOL.equals(tag)) {
      return "bool";
    }
    return "str";
  }

  private ConfigNode mapping(MappingNode node, String path, int line, int depth) {
    Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
    List<ConfigNode.Mapping> merged = new ArrayList<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int keyLine = keyNode.getStartMark().getLine() + 1;
      if (Tag.MERGE.equals(keyNode.getTag())) {
        // '<<: *defaults' (YAML merge key): explicit keys of this map win over merged ones.
        ConfigNode value = convert(tuple.getValueNode(), path, depth + 1);
        collectMerged(value, path, keyLine, merged);
        continue;
      }
      if (!(keyNode instanceof ScalarNode scalarKey) || Tag.NULL.equals(keyNode.getTag())) {
        problems.add(new ConfigProblem(path, keyLine,
            "a key must be a plain name, got " + (keyNode instanceof ScalarNode ? "an empty key"
                : keyNode instanceof SequenceNode ? "a list" : "a map")));
        continue;
      }
      String key = scalarKey.getValue();
      String childPath = path.isEmpty() ? key : path + "." + key;
      ConfigNode.Entry first = entries.get(key);
      if (first != null) {
        problems.add(new ConfigProblem(childPath, keyLine, "duplicate key; '" + key
            + "' is already set on line " + first.line() + " (keep one of them)"));
        continue;
      }
      entries.put(key, new ConfigNode.Entry(key, keyLine,
          convert(tuple.getValueNode(), childPath, depth + 1)));
    }
    for (ConfigNode.Mapping m : merged) {
      m.entries().forEach(entries::putIfAbsent);
    }
    return new ConfigNode.Mapping(entries, line);
  }

  private void collectMerged(ConfigNode value, String path, int line,
      List<ConfigNode.Mapping> into) {
    if (value instanceof ConfigNode.Mapping m) {
      into.add(m);
    } else if (value instanceof ConfigNode.Sequence s) {
      for (ConfigNode item : s.items()) {
        collectMerged(item, path, line, into);
      }
    } else {
      problems.add(new ConfigProblem(path, line, "'<<' merges a map or a list of maps, got "
          + value.kind()));
    }
  }
}
