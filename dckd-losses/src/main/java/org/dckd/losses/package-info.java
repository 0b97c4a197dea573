/**
 * Distillation loss terms: the term contract ({@link org.dckd.losses.LossTerm},
 * {@link org.dckd.losses.LossTermConfig}), the networks of a run ({@link org.dckd.losses.TrainingRoles}) and the weighted sum. The families of terms build on
 * this package; the registry of term types is in {@code org.dckd.losses.catalog}.
 */
package org.dckd.losses;
