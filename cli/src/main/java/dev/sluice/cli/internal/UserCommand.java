package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.cli.ExitCodes;
import dev.sluice.security.PasswordInput;
import dev.sluice.security.UserAdmin;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice user add|list|remove|passwd|roles}: the users who may log in, kept where the
 * server keeps them (the store's {@code sluice_users} table). Passwords come from a prompt, or
 * from the first line of standard input when it is not a terminal; never from arguments.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Manages the users who may log in (kept in the store, where the server reads"
        + " them).",
        "Passwords are read from a prompt, or from the first line of standard input when it is"
            + " not a terminal; never from arguments.",
        "Exit 0 when done, 1 when refused (no such user, name taken, password too short),"
            + " 2 for usage or configuration errors, 3 when the store cannot be reached."},
    subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Remove.class,
        UserCommand.Passwd.class, UserCommand.Roles.class})
public final class UserCommand implements Runnable {
  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** What the subcommands share: the configuration and the way to read a password. */
  abstract static class UserAction implements Callable<Integer> {
    final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    UserAction(CliContext context) {
      this.context = context;
    }

    @Override
    public final Integer call() {
      Logging.quietUnlessAsked(context.environment());
      try (AdminSession session = AdminSession.open(config.load(context), context)) {
        return run(session.security().users(), spec.commandLine().getOut());
      } finally {
        spec.commandLine().getOut().flush();
      }
    }

    abstract int run(UserAdmin users, PrintWriter out);

    /** A new password: prompted twice on a terminal, else the first line of standard input. */
    char[] readNewPassword(String user) {
      Console console = context.interactive() ? System.console() : null;
      try {
        return PasswordInput.readNew(Optional.ofNullable(console),
            new InputStreamReader(context.stdin(), StandardCharsets.UTF_8), user);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
  }

  /** {@code sluice user add NAME --role R}. */
  @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
      description = "Adds a user with a password (prompted, or the first line of standard input)"
          + " and one or more roles.")
  static final class Add extends UserAction {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", required = true,
        description = "A role (repeat for several), as named under security.roles; 'admin' may"
            + " send every event type.")
    List<String> roles;

    Add(CliContext context) {
      super(context);
    }

    @Override
    int run(UserAdmin users, PrintWriter out) {
      char[] password = readNewPassword(name);
      try {
        users.add(name, password, new LinkedHashSet<>(roles));
      } finally {
        Arrays.fill(password, '\0');
      }
      out.println("added user '" + name + "' with roles " + String.join(", ", roles));
      return ExitCodes.OK;
    }
  }

  /** {@code sluice user list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
      description = "Lists the users and their roles (never their passwords).")
  static final class ListUsers extends UserAction {
    ListUsers(CliContext context) {
      super(context);
    }

    @Override
    int run(UserAdmin users, PrintWriter out) {
      List<UserAdmin.UserSummary> all = users.list();
      if (all.isEmpty()) {
        out.println("(no users)");
      }
      for (UserAdmin.UserSummary u : all) {
        out.println(u.name() + "  " + String.join(",", new java.util.TreeSet<>(u.roles())));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code sluice user remove NAME}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class, description = "Removes a user.")
  static final class Remove extends UserAction {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    Remove(CliContext context) {
      super(context);
    }

    @Override
    int run(UserAdmin users, PrintWriter out) {
      if (!users.remove(name)) {
        spec.commandLine().getErr().println("sluice user remove: no user '" + name
            + "'; 'sluice user list' shows who exists");
        spec.commandLine().getErr().flush();
        return ExitCodes.RESULT_ERROR;
      }
      out.println("removed user '" + name + "'");
      return ExitCodes.OK;
    }
  }

  /** {@code sluice user passwd NAME}. */
  @Command(name = "passwd", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class,
      description = "Sets a new password (prompted, or the first line of standard input).")
  static final class Passwd extends UserAction {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    Passwd(CliContext context) {
      super(context);
    }

    @Override
    int run(UserAdmin users, PrintWriter out) {
      char[] password = readNewPassword(name);
      try {
        users.changePassword(name, password);
      } finally {
        Arrays.fill(password, '\0');
      }
      out.println("changed the password of '" + name + "'");
      return ExitCodes.OK;
    }
  }

  /** {@code sluice user roles NAME --role R}. */
  @Command(name = "roles", mixinStandardHelpOptions = true,
      versionProvider = SluiceVersion.class, description = "Replaces the roles of a user.")
  static final class Roles extends UserAction {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", required = true,
        description = "A role (repeat for several).")
    List<String> roles;

    Roles(CliContext context) {
      super(context);
    }

    @Override
    int run(UserAdmin users, PrintWriter out) {
      users.setRoles(name, new LinkedHashSet<>(roles));
      out.println("roles of '" + name + "': " + String.join(", ", roles));
      return ExitCodes.OK;
    }
  }
}
