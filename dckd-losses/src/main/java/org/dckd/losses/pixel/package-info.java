/**
 * Pixel terms: L1, L2 (MSE) and Charbonnier distances between the student output and either the HR ground truth
 * ({@code target: hr}, logged as {@code l_pix}) or the teacher output ({@code target: teacher}, "Logits KD", logged as
 * {@code l_kd}). Config types {@code l1}, {@code l2}, {@code charbonnier}.
 */
package org.dckd.losses.pixel;
