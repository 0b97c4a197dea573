package org.dckd.architecture.cyclefixture;

import org.dckd.architecture.cyclefixture.child.Child;

/** Half of a package cycle between a package and its subpackage, for {@code ArchitectureTest}'s cycle rule. */
public final class Parent {

    /** The subpackage's class: the edge {@code cyclefixture -> cyclefixture.child}. */
    Child child;
}
