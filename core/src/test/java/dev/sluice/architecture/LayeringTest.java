package dev.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The map in ARCHITECTURE.md, checked: core knows no transport, database or Netty. */
class LayeringTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.sluice");
  }

  @Test
  void coreImportsNoBrokerDriverOrNettyClass() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "io.netty..", "com.rabbitmq..", "org.apache.kafka..", "java.sql..", "javax.sql..",
            "com.zaxxer..", "org.flywaydb..", "com.mysql..", "org.postgresql..", "org.h2..")
        .because("core holds only the interfaces that transports and stores implement")
        .check(core);
  }

  @Test
  void pluginApiDoesNotReachIntoInternals() {
    // the facades (engine, plugin, config loading) delegate to internals; the SPI never does
    noClasses().that().resideInAnyPackage("dev.sluice.event..", "dev.sluice.spi..")
        .should().dependOnClassesThat().resideInAPackage("..internal..")
        .because("plugin authors compile against the public API only")
        .check(core);
  }

  @Test
  void eventModelStandsAlone() {
    noClasses().that().resideInAPackage("dev.sluice.event..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.spi..",
            "dev.sluice.config..", "dev.sluice.engine..", "dev.sluice.plugin..",
            "dev.sluice.internal..")
        .check(core);
  }
}
