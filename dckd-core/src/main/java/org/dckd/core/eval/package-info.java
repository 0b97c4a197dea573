/** Inference on whole images or tiles, and benchmark evaluation (Y-channel PSNR/SSIM). */
package org.dckd.core.eval;
