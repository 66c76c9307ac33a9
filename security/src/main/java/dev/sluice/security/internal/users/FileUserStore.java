package dev.sluice.security.internal.users;

import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.spi.UserRecord;
import dev.sluice.spi.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Users in a JSON file, for servers without a store:
 * <pre>{"users": [{"name": "admin", "hash": "$argon2id$v=19$...", "roles": ["admin"]}]}</pre>
 *
 * <p>Thread-safe. Every change rewrites the file atomically with owner-only permissions. Reads
 * notice when another process (the {@code sluice user} command) changed the file and reload it.
 * A record whose {@code hash} is not an Argon2id PHC string (a clear password typed in by hand)
 * is ignored with an error in the log, so it can never be used to sign in.
 */
public final class FileUserStore implements UserStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileUserStore.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private final Path file;
  private Map<String, UserRecord> users = Map.of();
  private FileTime loadedModified;
  private long loadedSize = -1;

  public FileUserStore(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized Optional<UserRecord> find(String name) {
    return Optional.ofNullable(current().get(name));
  }

  @Override
  public synchronized List<UserRecord> list() {
    List<UserRecord> all = new ArrayList<>(current().values());
    all.sort(Comparator.comparing(UserRecord::name));
    return all;
  }

  @Override
  public synchronized void put(UserRecord user) {
    if (!Argon2Hasher.isHash(user.passwordHash())) {
      throw new IllegalArgumentException("the password of user '" + user.name()
          + "' is not an Argon2id hash; the users file stores only hashes");
    }
    change(users -> {
      users.put(user.name(), user);
      return true;
    });
  }

  @Override
  public synchronized boolean remove(String name) {
    return change(users -> users.remove(name) != null);
  }

  /**
   * Reads, changes and writes the file while holding a lock on {@code <file>.lock}, so that the
   * server (upgrading a hash) and {@code sluice user} (adding a user) never lose each other's
   * change.
   */
  private boolean change(Predicate<Map<String, UserRecord>> edit) {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    // a FileLock excludes other processes only; stores of one file in this JVM share a monitor
    synchronized (MONITORS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new Object())) {
      return changeLocked(lockFile, edit);
    }
  }

  private boolean changeLocked(Path lockFile, Predicate<Map<String, UserRecord>> edit) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE,
              StandardOpenOption.WRITE), OwnerOnlyFiles.ownerOnlyAttributes());
          FileLock lock = channel.lock()) {
        Map<String, UserRecord> next = new TreeMap<>(current());
        if (!edit.test(next)) {
          return false;
        }
        save(next);
        return true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the users file " + lockFile + ": " + e
          + "; check that its directory is writable", e);
    }
  }

  private Map<String, UserRecord> current() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (!modified.equals(loadedModified) || size != loadedSize) {
        users = load();
        loadedModified = modified;
        loadedSize = size;
      }
    } catch (NoSuchFileException e) {
      users = Map.of();
      loadedModified = null;
      loadedSize = -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the users file " + file + ": " + e.getMessage()
          + "; check that it exists and that this user may read it", e);
    }
    return users;
  }

  private Map<String, UserRecord> load() throws IOException {
    if (OwnerOnlyFiles.isExposed(file)) {
      LOG.warn("the users file {} may be read or written by others ({}); run 'chmod 600 {}'",
          file, OwnerOnlyFiles.describe(file), file);
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new IOException("not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    JsonNode list = root == null ? null : root.get("users");
    if (list == null || !list.isArray()) {
      throw new IOException("expected {\"users\": [...]} at the top");
    }
    Map<String, UserRecord> loaded = new LinkedHashMap<>();
    int index = 0;
    for (JsonNode entry : list) {
      String name = entry.path("name").asString("");
      String hash = entry.path("hash").asString("");
      if (name.isEmpty()) {
        LOG.error("users file {}: entry {} has no name; it is ignored", file, index);
      } else if (!Argon2Hasher.isHash(hash)) {
        LOG.error("users file {}: user '{}' has no valid Argon2id hash (a clear password?);"
            + " it cannot sign in until its password is set with 'sluice user passwd {}'",
            file, name, name);
      } else {
        Set<String> roles = new LinkedHashSet<>();
        entry.path("roles").forEach(r -> roles.add(r.asString()));
        loaded.put(name, new UserRecord(name, hash, roles));
      }
      index++;
    }
    return loaded;
  }

  private void save(Map<String, UserRecord> next) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("users");
    for (UserRecord u : next.values()) {
      ObjectNode entry = list.addObject();
      entry.put("name", u.name());
      entry.put("hash", u.passwordHash());
      ArrayNode roles = entry.putArray("roles");
      u.roles().stream().sorted().forEach(roles::add);
    }
    try {
      OwnerOnlyFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)
          + "\n");
      users = Map.copyOf(next);
      loadedModified = Files.getLastModifiedTime(file);
      loadedSize = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the users file " + file + ": " + e
          + "; check that its directory exists and is writable", e);
    }
  }
}
