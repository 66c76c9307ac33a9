package dev.sluice.security.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The security module builds on core's public API only, and knows no transport. */
class SecurityLayeringTest {
  private static final JavaClasses SECURITY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.sluice.security");

  @Test
  void usesOnlyThePublicApiOfCore() {
    noClasses().should().dependOnClassesThat().resideInAPackage("dev.sluice.internal..")
        .because("core's internal packages may change freely; security implements core's SPIs")
        .check(SECURITY);
  }

  @Test
  void knowsNoTransportOrBroker() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("com.rabbitmq..",
            "org.apache.kafka..", "java.sql..")
        .because("transports depend on security, never the other way round")
        .check(SECURITY);
  }
}
