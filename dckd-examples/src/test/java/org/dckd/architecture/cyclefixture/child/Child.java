package org.dckd.architecture.cyclefixture.child;

import org.dckd.architecture.cyclefixture.Parent;

/** The other half of the package cycle of {@code Parent}: the edge {@code cyclefixture.child -> cyclefixture}. */
public final class Child {

    /** The parent package's class. */
    Parent parent;
}
