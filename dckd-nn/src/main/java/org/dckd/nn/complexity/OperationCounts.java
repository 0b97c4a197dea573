package org.dckd.nn.complexity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one counted forward pass did, by shapes only (see {@link ComplexityCounter}); the figures the NTIRE efficient
 * super-resolution challenges rank by are derived from it.
 *
 * <p>Conventions (those of the NTIRE 2022 {@code utils/model_summary.py}, which the 2023-2025 challenges keep):
 * <ul>
 *   <li>{@link #ntireFlops()}: multiply-accumulates of every convolution call ({@code kh*kw*Cin/groups*Cout} per output
 *       pixel, bias ignored) + one per output element of every counted activation <em>module</em>
 *       ({@link ActivationModuleType}) + {@code 2*numel} of every affine batch norm ({@code numel} without affine) +
 *       linear multiply-accumulates. Matrix products, resizes, pooling, element-wise arithmetic and functional
 *       activations count nothing. One deliberate difference: the official linear hook computes
 *       {@code input.shape[0] * input.shape[1] * output.shape[1]}, which equals the MACs only for a 2-D input; here a
 *       linear layer counts its true MACs ({@code in_features * numel(output)}) whatever the rank (SwinIR's token
 *       linears would otherwise count {@code L^2} per call).</li>
 *   <li>{@link #activations()}: the output elements of every convolution call ({@code get_model_activation}; linear
 *       outputs are not counted there, although the official code lists {@code nn.Linear}: it hooks convolutions
 *       only).</li>
 *   <li>{@link #numConv()}: the number of convolution calls.</li>
 *   <li>{@link #fvcoreEquivalentFlops()}: the 2024/2025 challenges report fvcore's count, reconstructed here (fvcore
 *       itself is Python): convolution and linear MACs + 4 per output element of a bilinear resize + matrix-product
 *       MACs. Normalisation layers, which fvcore also counts (e.g. LayerNorm at 5 per element), are not included, so
 *       for transformers it is a lower bound.</li>
 * </ul>
 *
 * @param convMacs multiply-accumulates of all convolution calls
 * @param convCalls the number of convolution calls
 * @param convOutputElements the output elements of all convolution calls
 * @param activationModuleElements output elements of the counted activation modules, by PyTorch class name
 *     ({@link ActivationModuleType#torchName()}); only types that occurred
 * @param batchNormFlops the batch norms' FLOPs ({@code 2*numel} affine, {@code numel} otherwise)
 * @param linearMacs multiply-accumulates of all linear-layer calls
 * @param bilinearOutputElements output elements of all bilinear resizes
 * @param matMulMacs multiply-accumulates of all matrix products (attention)
 * @param convMacsBySubtype the part of {@code convMacs} from convolution subclasses the official counter reports under
 *     their own class name (LIPT's {@code MeanShift}); empty for most networks
 */
public record OperationCounts(
        long convMacs,
        long convCalls,
        long convOutputElements,
        Map<String, Long> activationModuleElements,
        long batchNormFlops,
        long linearMacs,
        long bilinearOutputElements,
        long matMulMacs,
        Map<String, Long> convMacsBySubtype) {

    /** Copies the map (sorted by name, unmodifiable). */
    public OperationCounts {
        activationModuleElements = java.util.Collections.unmodifiableMap(new TreeMap<>(activationModuleElements));
        convMacsBySubtype = java.util.Collections.unmodifiableMap(new TreeMap<>(convMacsBySubtype));
    }

    /** FLOPs by the NTIRE 2022 convention ({@code get_model_flops}; see the class comment). */
    public long ntireFlops() {
        long activations = activationModuleElements.values().stream().mapToLong(Long::longValue).sum();
        return convMacs + activations + batchNormFlops + linearMacs;
    }

    /** fvcore-equivalent FLOPs: convolution and linear MACs + 4 x bilinear output elements + matrix-product MACs. */
    public long fvcoreEquivalentFlops() {
        return convMacs + linearMacs + 4 * bilinearOutputElements + matMulMacs;
    }

    /** The challenges' "activations": the output elements of every convolution call. */
    public long activations() {
        return convOutputElements;
    }

    /** The challenges' "#Conv2d": the number of convolution calls. */
    public long numConv() {
        return convCalls;
    }

    /**
     * {@link #ntireFlops()} by PyTorch module type, as the per-module sums of the official counter:
     * {@code Conv2d}, each activation type, {@code BatchNorm2d}, {@code Linear}; types with no call are left out.
     *
     * @return type name to FLOPs, in that order
     */
    public Map<String, Long> flopsByModuleType() {
        Map<String, Long> out = new LinkedHashMap<>();
        long plain = convMacs - convMacsBySubtype.values().stream().mapToLong(Long::longValue).sum();
        if (plain > 0) {
            out.put("Conv2d", plain);
        }
        out.putAll(convMacsBySubtype);
        out.putAll(activationModuleElements);
        if (batchNormFlops > 0) {
            out.put("BatchNorm2d", batchNormFlops);
        }
        if (linearMacs > 0) {
            out.put("Linear", linearMacs);
        }
        return out;
    }
}
