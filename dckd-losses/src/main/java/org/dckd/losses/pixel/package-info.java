/**
 * Pixel terms: L1, L2 (MSE) and Charbonnier distances between the student output and either the HR ground truth
 * ({@code target: hr}, logged as {@code l_pix}) or the teacher output ({@code target: teacher}, "Logits KD", logged as
 * {@code l_kd}). Config types {@code l1}, {@code l2}, {@code charbonnier}; from Java
 * {@link org.dckd.losses.pixel.L1Term#toHr()}, {@link org.dckd.losses.pixel.L1Term#toTeacher()} and the same on
 * {@link org.dckd.losses.pixel.L2Term} and {@link org.dckd.losses.pixel.CharbonnierTerm} (docs/losses-java.md).
 */
package org.dckd.losses.pixel;
