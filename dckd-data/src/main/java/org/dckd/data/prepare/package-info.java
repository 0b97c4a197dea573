/**
 * One-off preparation of training data, as the {@code ./dckd prepare} commands run it: MATLAB-exact bicubic LR folders
 * ({@link org.dckd.data.prepare.BicubicLrGenerator}), BasicSR-style sub-images with meta-info files
 * ({@link org.dckd.data.prepare.SubImageExtractor}, {@link org.dckd.data.prepare.MetaInfo}), and DIV2K download with
 * SHA-256 verification and safe unpacking ({@link org.dckd.data.prepare.Div2kPreparer},
 * {@link org.dckd.data.prepare.ArchiveDownloader}, {@link org.dckd.data.prepare.Sha256Sums},
 * {@link org.dckd.data.prepare.ZipUnpacker}). Long steps report through a
 * {@link org.dckd.data.prepare.ProgressListener}; nothing here writes to the console.
 */
package org.dckd.data.prepare;
