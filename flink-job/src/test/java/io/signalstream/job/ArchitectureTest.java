package io.signalstream.job;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The job's packages form a DAG, with the stream and state types at the bottom. */
class ArchitectureTest {

    private static JavaClasses job;

    @BeforeAll
    static void importJob() {
        job =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.signalstream.job");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.signalstream.job.(**)").should().beFreeOfCycles().check(job);
    }

    @Test
    void recordsDependOnNothingElseOfTheJob() {
        classes()
                .that()
                .resideInAPackage("io.signalstream.job.records")
                .should()
                .onlyDependOnClassesThat(
                        resideOutsideOfPackage("io.signalstream.job..")
                                .or(resideInAPackage("io.signalstream.job.records")))
                .check(job);
    }

    @Test
    void configurationDependsOnNoOtherPartOfTheJob() {
        classes()
                .that()
                .resideInAPackage("io.signalstream.job.config")
                .should()
                .onlyDependOnClassesThat(
                        resideOutsideOfPackage("io.signalstream.job..")
                                .or(resideInAPackage("io.signalstream.job.config")))
                .check(job);
    }
}
