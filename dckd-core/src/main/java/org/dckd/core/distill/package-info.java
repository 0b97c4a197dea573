/** The distiller: explicit roles (student, frozen teacher, EMA, loss terms) and one optimisation step. */
package org.dckd.core.distill;
