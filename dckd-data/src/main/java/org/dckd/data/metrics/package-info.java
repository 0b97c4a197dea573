/**
 * Image quality as the super-resolution literature reports it: PSNR and SSIM on the unrounded BT.601 Y channel
 * after removing a border of {@code scale} pixels.
 *
 * <p>{@link org.dckd.data.metrics.ImageQuality#evaluate(org.dckd.data.image.Image, org.dckd.data.image.Image, int)}
 * applies the whole protocol (quantize the SR output, modcrop the HR image, Y, shave, PSNR, SSIM);
 * {@link org.dckd.data.metrics.YChannel}, {@link org.dckd.data.metrics.Psnr} and
 * {@link org.dckd.data.metrics.Ssim} are the pieces, on {@link org.dckd.data.metrics.Plane}s of {@code double}s.
 */
package org.dckd.data.metrics;
