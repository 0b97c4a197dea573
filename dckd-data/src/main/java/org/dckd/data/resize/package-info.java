/**
 * MATLAB-compatible bicubic resizing.
 *
 * <p>{@link org.dckd.data.resize.MatlabBicubic#downscale(org.dckd.data.image.Image, int)} reproduces
 * {@code imresize(uint8_img, 1/s, 'bicubic')} bit for bit (the benchmark {@code LR_bicubic} images);
 * {@link org.dckd.data.resize.MatlabBicubic#resize(org.dckd.data.image.Image, double)} is the floating-point version
 * for any scale, including enlargement. {@link org.dckd.data.resize.BicubicContributions} exposes the 1-D weight and
 * index tables.
 */
package org.dckd.data.resize;
