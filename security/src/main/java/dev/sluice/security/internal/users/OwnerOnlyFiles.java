package dev.sluice.security.internal.users;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read (POSIX {@code 600}), written atomically: to a temporary file
 * in the same directory that is created owner-only, forced to disk, then moved over the target.
 * A reader sees the old file or the new one, never half of one, and never a moment where the
 * content is readable by others.
 */
public final class OwnerOnlyFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString(
      "rw-------");

  private OwnerOnlyFiles() {}

  public static boolean isPosix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Writes {@code text} to {@code target}, replacing it atomically. */
  public static void write(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = isPosix()
        ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(StandardCharsets.UTF_8.encode(text));
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Whether others than the owner may read or write {@code file} (false off POSIX). */
  public static boolean isExposed(Path file) throws IOException {
    if (!isPosix()) {
      return false;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    return perms.contains(PosixFilePermission.GROUP_READ)
        || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_READ)
        || perms.contains(PosixFilePermission.OTHERS_WRITE);
  }

  /** Permissions as {@code ls} shows them, or "unknown" off POSIX. */
  public static String describe(Path file) throws IOException {
    return isPosix() ? PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
        : "unknown";
  }

  static FileAttribute<?>[] ownerOnlyAttributes() {
    return isPosix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }
}
