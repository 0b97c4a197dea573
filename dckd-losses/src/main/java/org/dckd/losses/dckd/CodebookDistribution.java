package org.dckd.losses.dckd;

import ai.djl.ndarray.NDArray;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dckd.nn.OwnedArrays;

/**
 * DCKD's pixel-level category distribution over a codebook, and the cross-entropy between the student's and the
 * teacher's distributions (the distribution mapping module):
 * <pre>
 * d_k(z) = |z|^2 + |e_k|^2 - 2 z.e_k          (the DCKD code's expansion)
 * C(z)   = softmax_k( -d_k(z) / tau )
 * paper:          L = mean_positions( -sum_k C_T,k log C_S,k )  = cross_entropy(-d_S / tau, C_T)
 * reference-code: L = mean_positions( -sum_k C_T,k log softmax_k(C_S) )   (F.cross_entropy on probabilities)
 * </pre>
 * The code computes {@code softmax(d_max - d)}, which equals {@code softmax(-d)}. {@code tau} divides {@code d} in both
 * modes (the code has none, i.e. tau = 1). The codebook and its derived constants ({@code e^T}, {@code |e|^2}) are
 * created once, in the codebook's manager; per-step results belong to the input's manager.
 */
public final class CodebookDistribution {

    /** How the two distributions are compared. */
    public enum Mode {
        /** The paper's Eq. 9: cross-entropy of the teacher's distribution against the student's. */
        @JsonProperty("paper") PAPER,
        /** The released code: {@code F.cross_entropy(C_S, C_T)} on probabilities (a double softmax). */
        @JsonProperty("reference-code") REFERENCE_CODE
    }

    private final NDArray codebook;
    private final NDArray transposed;
    private final NDArray squaredNorms;
    private final float tau;

    /**
     * Creates the distribution.
     *
     * @param codebook {@code (K, D)}, in a manager that outlives every use
     * @param tau the temperature (positive)
     */
    public CodebookDistribution(NDArray codebook, float tau) {
        if (codebook.getShape().dimension() != 2) {
            throw new IllegalArgumentException("a codebook is (K, D), got shape " + codebook.getShape());
        }
        if (!(tau > 0) || Float.isInfinite(tau)) {
            throw new IllegalArgumentException("tau must be positive and finite, got " + tau);
        }
        this.codebook = codebook;
        this.transposed = codebook.transpose();
        this.squaredNorms = codebook.square().sum(new int[] {1});
        this.tau = tau;
    }

    /** The codebook {@code (K, D)}. */
    public NDArray codebook() {
        return codebook;
    }

    /** The number of codes K. */
    public int size() {
        return (int) codebook.getShape().get(0);
    }

    /** The code dimension D. */
    public int dimension() {
        return (int) codebook.getShape().get(1);
    }

    /** The temperature. */
    public float tau() {
        return tau;
    }

    /**
     * The vectors of a {@code (B, D, h, w)} encoding as rows in {@code b h w} order: {@code (B*h*w, D)}.
     *
     * @param z the encoding
     * @return the tokens, in {@code z}'s manager
     */
    public static NDArray tokens(NDArray z) {
        long d = z.getShape().get(1);
        return z.transpose(0, 2, 3, 1).reshape(-1, d);
    }

    /**
     * The squared distances of every token to every code, {@code (T, K)}.
     *
     * @param tokens {@code (T, D)}
     * @return {@code |z|^2 + |e|^2 - 2 z e^T}, in {@code tokens}' manager
     */
    public NDArray squaredDistances(NDArray tokens) {
        checkDimension(tokens);
        NDArray cross = OwnedArrays.mul(tokens.matMul(transposed), 2);
        return tokens.square().sum(new int[] {1}, true).add(squaredNorms).sub(cross);
    }

    /**
     * The category distributions {@code C = softmax(-d / tau)}, {@code (T, K)}: the DCKD code's {@code encode}
     * output for tau = 1.
     *
     * @param tokens {@code (T, D)}
     * @return the probabilities, rows summing to 1
     */
    public NDArray probabilities(NDArray tokens) {
        return logits(tokens).softmax(1);
    }

    /**
     * The cross-entropy between the student's and the teacher's distributions, averaged over positions.
     *
     * @param studentTokens {@code (T, D)}, recorded for gradients
     * @param teacherTokens {@code (T, D)}, no gradient
     * @param mode paper or reference-code
     * @return a scalar in {@code studentTokens}' manager
     */
    public NDArray crossEntropy(NDArray studentTokens, NDArray teacherTokens, Mode mode) {
        NDArray target = probabilities(teacherTokens);
        NDArray logits = logits(studentTokens);
        NDArray input = mode == Mode.PAPER ? logits : logits.softmax(1);
        return input.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg();
    }

    private NDArray logits(NDArray tokens) {
        return OwnedArrays.mul(squaredDistances(tokens), -1f / tau);
    }

    private void checkDimension(NDArray tokens) {
        if (tokens.getShape().dimension() != 2 || tokens.getShape().get(1) != dimension()) {
            throw new IllegalArgumentException("tokens of shape " + tokens.getShape() + " do not fit a codebook of "
                    + "dimension " + dimension());
        }
    }
}
