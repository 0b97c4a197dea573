/**
 * The catalog of loss terms: the registry of term {@code type} names with the built-in terms (pixel, DCKD, baselines),
 * and their registration with the config reader. It depends on every family of terms; the families depend only on
 * {@code org.dckd.losses} (and on each other one way: baselines on pixel, dckd on encoders).
 */
package org.dckd.losses.catalog;
