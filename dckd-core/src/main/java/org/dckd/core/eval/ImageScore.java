package org.dckd.core.eval;

/**
 * The score of one benchmark image.
 *
 * @param name the image name (file name without extension)
 * @param psnr Y-channel PSNR in dB
 * @param ssim Y-channel SSIM
 * @param seconds wall time of the network on this image (excluding I/O and metrics)
 */
public record ImageScore(String name, double psnr, double ssim, double seconds) {}
