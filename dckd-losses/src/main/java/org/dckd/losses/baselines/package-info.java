/**
 * Baseline and upper-bound distillation terms the DCKD paper compares with or adds: FAKD feature affinity
 * ({@code fakd}), the CSD-style contrastive term ({@code csd}), label consistency ({@code lcr}) and the two DUKD data
 * upcycling terms ({@code dukd_zoom_in}, {@code dukd_zoom_out}), plus the bicubic resizing they need
 * ({@link org.dckd.losses.baselines.BicubicResize}). From Java, every term has a {@code builder()}
 * (docs/losses-java.md).
 */
package org.dckd.losses.baselines;
