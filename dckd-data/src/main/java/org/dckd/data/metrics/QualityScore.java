package org.dckd.data.metrics;

import java.util.Collection;

/**
 * PSNR and SSIM of one image (or their means over a set).
 *
 * @param psnr PSNR in dB on the Y channel; {@code +Infinity} for identical images
 * @param ssim mean SSIM on the Y channel
 */
public record QualityScore(double psnr, double ssim) {

    /**
     * The benchmark average: the mean of the per-image PSNRs and the mean of the per-image SSIMs (not the PSNR of
     * the mean MSE). An infinite PSNR makes the mean PSNR infinite.
     *
     * @param scores per-image scores, at least one
     * @return the means
     */
    public static QualityScore mean(Collection<QualityScore> scores) {
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("no scores to average");
        }
        double p = 0;
        double s = 0;
        for (QualityScore q : scores) {
            p += q.psnr;
            s += q.ssim;
        }
        return new QualityScore(p / scores.size(), s / scores.size());
    }
}
