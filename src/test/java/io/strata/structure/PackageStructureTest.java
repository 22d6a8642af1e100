package io.strata.structure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure, as docs and README describe it, checked so that it stays so: presentation and
 * the command line at the top, the facade under them, the kinds of work and their parts below, and no
 * package that depends on one that depends on it.
 */
class PackageStructureTest {

    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.strata");

    @Test
    void noTwoPackagesDependOnEachOtherThroughAnyPath() {
        slices().matching("io.strata.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheCommandLineDependsOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("io.strata.cli..").should().dependOnClassesThat()
                .resideInAPackage("io.strata.cli..").check(MAIN);
    }

    @Test
    void theConsoleReachesTheWorkThroughTheFacadeNotTheWiring() {
        noClasses().that().resideInAPackage("io.strata.management..").should().dependOnClassesThat()
                .resideInAPackage("io.strata.app..").because("JMX operations go through io.strata.commands").check(MAIN);
    }

    @Test
    void theRootPackageHoldsOnlyWhatEveryPackageShares() {
        classes().that().resideInAPackage("io.strata").should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.strata", "java..").check(MAIN);
    }

    @Test
    void presentationDependsOnNothingOfStrataButTheRoot() {
        classes().that().resideInAPackage("io.strata.text..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.strata", "io.strata.text..", "java..", "com.fasterxml.jackson..").check(MAIN);
    }
}
