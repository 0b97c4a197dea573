/**
 * The two DCKD loss terms and their parts: the dynamic contrastive regularization
 * ({@link org.dckd.losses.dckd.ContrastiveRegularization}, {@code type: dcr}, {@code l_dcl}) with its
 * {@link org.dckd.losses.dckd.HistoryModel} and {@link org.dckd.losses.dckd.NegativeDegradation}, and the distribution
 * mapping module ({@link org.dckd.losses.dckd.DistributionMapping}, {@code type: dmm}, {@code l_ce}) with its
 * {@link org.dckd.losses.dckd.CodebookDistribution} and {@link org.dckd.losses.dckd.KMeansCodebook}. See
 * docs/losses-dckd.md for formulas, defaults, paper-versus-code choices and measured cost. From Java,
 * {@link org.dckd.losses.dckd.Dckd#defaults()} builds the whole DCKD loss (docs/losses-java.md).
 */
package org.dckd.losses.dckd;
