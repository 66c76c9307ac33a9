package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Creates commands, handing the {@link CliContext} to those whose constructor takes it. */
public final class CommandFactory implements CommandLine.IFactory {
  private final CliContext context;

  public CommandFactory(CliContext context) {
    this.context = context;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      Class<?>[] parameters = c.getParameterTypes();
      if (parameters.length == 1 && parameters[0] == CliContext.class) {
        c.setAccessible(true);
        return type.cast(c.newInstance(context));
      }
    }
    return CommandLine.defaultFactory().create(type);
  }
}
