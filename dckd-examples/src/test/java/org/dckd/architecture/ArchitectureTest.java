package org.dckd.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.Slices;

import org.dckd.architecture.cyclefixture.Parent;
import org.dckd.architecture.cyclefixture.child.Child;

/**
 * The architecture of the main code of {@code org.dckd}, checked with ArchUnit on the compiled main classes of every
 * module (this module sees them all; test classes and the {@code -tests.jar}s are not imported):
 *
 * <ul>
 *   <li>no dependency cycle between packages, each package a slice of its own ({@code org.dckd.backbones} and
 *       {@code org.dckd.backbones.rlfn} are two slices);
 *   <li>the module arrows {@code dckd-examples -> dckd-core -> {dckd-losses, dckd-backbones, dckd-data} -> dckd-nn} as
 *       package rules: {@code org.dckd.nn}, {@code checkpoint} and {@code config} depend on no other dckd package;
 *       losses, backbones and data not on each other nor on core; core not on {@code org.dckd.cli} or
 *       {@code org.dckd.examples}; every package belongs to one of these modules.
 * </ul>
 */
@AnalyzeClasses(packages = "org.dckd",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.MainClassesOfDckdModules.class})
class ArchitectureTest {

    /** One slice per package: {@code (**)} captures the whole package name below {@code org.dckd}. */
    private static final String EVERY_PACKAGE_A_SLICE = "org.dckd.(**)";

    private static final String[] NN = {"org.dckd.nn..", "org.dckd.checkpoint..", "org.dckd.config.."};
    private static final String DATA = "org.dckd.data..";
    private static final String BACKBONES = "org.dckd.backbones..";
    private static final String LOSSES = "org.dckd.losses..";
    private static final String CORE = "org.dckd.core..";
    private static final String[] EXAMPLES = {"org.dckd.cli..", "org.dckd.examples.."};

    /**
     * Imports only main classes of the dckd modules: a module's {@code target/classes} directory or its jar, never a
     * {@code -tests.jar} (such as the {@code dckd-data} test-jar with {@code org.dckd.testing}), which
     * {@link ImportOption.DoNotIncludeTests} does not recognise.
     */
    static final class MainClassesOfDckdModules implements ImportOption {
        @Override
        public boolean includes(Location location) {
            String where = location.toString();
            if (location.isJar()) {
                return where.matches(".*/dckd-[a-z]+-[^/!]+\\.jar!/.*") && !where.contains("-tests.jar!");
            }
            return where.contains("/target/classes/");
        }
    }

    /** No dependency cycle between any two packages of the main code. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(EVERY_PACKAGE_A_SLICE).should()
            .beFreeOfCycles();

    /** The module arrows as package rules, each part named by what it forbids (violations name class and member). */
    @ArchTest
    static final ArchRule packagesFollowTheModuleArrows = CompositeArchRule
            .of(noClasses().that().resideInAnyPackage(NN).should().dependOnClassesThat()
                    .resideInAnyPackage(concat(new String[] {DATA, BACKBONES, LOSSES, CORE}, EXAMPLES))
                    .as("dckd-nn (org.dckd.nn, checkpoint, config) uses no other dckd package"))
            .and(noClasses().that().resideInAPackage(DATA).should().dependOnClassesThat()
                    .resideInAnyPackage(concat(new String[] {BACKBONES, LOSSES, CORE}, EXAMPLES))
                    .as("org.dckd.data uses no dckd package but dckd-nn's"))
            .and(noClasses().that().resideInAPackage(BACKBONES).should().dependOnClassesThat()
                    .resideInAnyPackage(concat(new String[] {DATA, LOSSES, CORE}, EXAMPLES))
                    .as("org.dckd.backbones uses no dckd package but dckd-nn's"))
            .and(noClasses().that().resideInAPackage(LOSSES).should().dependOnClassesThat()
                    .resideInAnyPackage(concat(new String[] {DATA, BACKBONES, CORE}, EXAMPLES))
                    .as("org.dckd.losses uses no dckd package but dckd-nn's (networks only as SrNetwork)"))
            .and(noClasses().that().resideInAPackage(CORE).should().dependOnClassesThat()
                    .resideInAnyPackage(EXAMPLES)
                    .as("org.dckd.core uses neither org.dckd.cli nor org.dckd.examples"))
            .and(classes().should()
                    .resideInAnyPackage(concat(concat(NN, new String[] {DATA, BACKBONES, LOSSES, CORE}), EXAMPLES))
                    .as("every org.dckd package belongs to a module of these rules (add a new one to them)"));

    /** The import holds the main classes of every module and no test class. */
    @ArchTest
    static void everyModulesMainClassesAreImported(JavaClasses imported) {
        Set<String> packages = imported.stream().map(JavaClass::getPackageName)
                .collect(Collectors.toCollection(TreeSet::new));
        for (String p : List.of("org.dckd.nn", "org.dckd.checkpoint", "org.dckd.config", "org.dckd.data.image",
                "org.dckd.backbones", "org.dckd.backbones.rlfn", "org.dckd.backbones.catalog", "org.dckd.losses",
                "org.dckd.losses.catalog", "org.dckd.core.distill", "org.dckd.cli", "org.dckd.examples")) {
            assertTrue(packages.contains(p), p + " not imported; packages: " + packages);
        }
        assertTrue(packages.stream().noneMatch(p -> p.startsWith("org.dckd.testing")
                || p.startsWith("org.dckd.architecture")), "test classes were imported: " + packages);
    }

    /** The slice pattern makes a package and its subpackage two slices, so a cycle between them is one. */
    @ArchTest
    static void everyPackageIsASliceOfItsOwn(JavaClasses imported) {
        Set<String> slices = Slices.matching(EVERY_PACKAGE_A_SLICE).transform(imported).stream()
                .map(slice -> slice.getNamePart(1)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> packages = imported.stream().map(c -> c.getPackageName().substring("org.dckd.".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(packages, slices);
        assertTrue(slices.containsAll(List.of("backbones", "backbones.catalog", "backbones.rlfn")), slices::toString);
    }

    /** The cycle rule fails on a package that uses its subpackage and back (test fixture classes). */
    @ArchTest
    static void aCycleBetweenAPackageAndItsSubpackageFails(JavaClasses ignored) {
        EvaluationResult cycle = noPackageCycles.evaluate(new ClassFileImporter().importClasses(Parent.class,
                Child.class));
        assertTrue(cycle.hasViolation(), "no cycle found in the fixture: the slices are not one per package");
        assertFalse(noPackageCycles.evaluate(new ClassFileImporter().importClasses(Parent.class)).hasViolation(),
                "a cycle found with one package only");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
