package org.dckd.backbones.imdn;

/** Field checks shared by the two IMDN configs. */
final class ImdnValidation {

    private ImdnValidation() {}

    static void common(String type, int scale, int features, int blocks, int distilled, float inputRange,
            int maxBlocks) {
        if (scale < 1) {
            throw new IllegalArgumentException(type + " config: scale must be at least 1, got " + scale);
        }
        if (features < 2) {
            throw new IllegalArgumentException(type + " config: features must be at least 2, got " + features);
        }
        if (blocks < 1 || blocks > maxBlocks) {
            throw new IllegalArgumentException(
                    type + " config: blocks must be in 1.." + maxBlocks + ", got " + blocks);
        }
        if (distilled < 1 || distilled >= features) {
            throw new IllegalArgumentException(type + " config: distilled must be in 1..features-1 (features = "
                    + features + "), got " + distilled);
        }
        if (!(inputRange > 0) || Float.isInfinite(inputRange)) {
            throw new IllegalArgumentException(
                    type + " config: input_range must be positive and finite, got " + inputRange);
        }
    }
}
