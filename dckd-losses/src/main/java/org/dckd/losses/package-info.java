/** Distillation loss terms: the term contract, the weighted sum, and the registry of term types. */
package org.dckd.losses;
