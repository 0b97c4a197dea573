package org.dckd.backbones;

import java.util.Map;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.reparam.ConvKernel;
import org.dckd.nn.reparam.ReparameterizableBlock;
import org.dckd.nn.reparam.Reparameterization;

/**
 * The deploy-form weights of a trained training-form network, checked: the merged state dict
 * ({@link Reparameterization#deployStateDict}) is loaded strictly into a deploy-form network built from the same
 * config, and
 * <ul>
 *   <li>every merge is verified: each reparameterisable block's branch forward and its merged convolution run on one
 *       random probe of the block's input, and must agree within {@value #PROBE_TOLERANCE} of {@code max |y|} of
 *       that block (float32 merges agree to about 3e-7; a wrong merge differs by far more), or the conversion fails
 *       naming the block;</li>
 *   <li>both whole networks run on one random probe image, and their largest difference is reported
 *       ({@link #probeDifference()}), not enforced: a network with unscaled window attention (LIPT's
 *       {@code softmax(q q^T)}) at or near its random initialisation has such peaked attention that the 1e-7
 *       rounding differences of the merges flip near-tied attention weights (measured: 0.029 of {@code max |y|} for a
 *       random-weight LIPT-Tiny on a noise probe). A SPAN, or a trained LIPT, agrees to about 5e-7.</li>
 * </ul>
 *
 * <pre>{@code
 * DeployConversion d = DeployConversion.of(trainedStudent);     // initialised, training form
 * Checkpoints.writeSafetensors(d.stateDict(), Path.of("deploy.safetensors"));
 * }</pre>
 *
 * @param config the deploy-form config the state dict belongs to
 * @param stateDict the deploy-form state dict
 * @param trainingParameters the parameter count of the training form ({@link SrBackbone#parameterCount()})
 * @param deployParameters the parameter count of the deploy form
 * @param blockDifference the largest {@code |y_branches - y_merged| / max |y_branches|} over the blocks' probes
 * @param probeDifference the largest {@code |y_train - y_deploy| / max |y_train|} of the whole networks on the probe
 *     image
 */
public record DeployConversion(ReparameterizableConfig config, StateDict stateDict, long trainingParameters,
        long deployParameters, double blockDifference, double probeDifference) {

    /** The largest relative output difference of a block's merge on its probe that is accepted. */
    public static final double PROBE_TOLERANCE = 1e-4;

    private static final int PROBE_SIZE = 24;
    private static final int BLOCK_PROBE_SIZE = 8;

    /**
     * Merges the branches of an initialised training-form network and checks the result.
     *
     * @param training the initialised training-form network; its config must be a {@link ReparameterizableConfig}
     * @return the deploy state dict and the check's figures
     * @throws IllegalArgumentException if the network has no deploy form or is already in it
     * @throws IllegalStateException if a block's merge does not reproduce its branches (a bug), naming the block, or
     *     the whole networks' outputs are not finite
     */
    public static DeployConversion of(SrBackbone training) {
        Objects.requireNonNull(training, "training");
        if (!(training.config() instanceof ReparameterizableConfig rc)) {
            throw new IllegalArgumentException(training.config().getClass().getSimpleName() + " networks have no "
                    + "deploy form (no reparameterisable blocks); only reparameterisable networks such as SPAN do");
        }
        if (rc.isDeployForm()) {
            throw new IllegalArgumentException("the network is already in its deploy form; build it from "
                    + "config.trainingForm() and load the training weights");
        }
        ReparameterizableConfig deployConfig = rc.deployForm();
        StateDict deploySd = Reparameterization.deployStateDict(training);
        NDManager owner = training.getParameters().valueAt(0).getArray().getManager();
        try (NDManager scope = owner.newSubManager()) {
            SrBackbone deploy = deployConfig.build();
            deploy.initialize(scope);
            WeightLoader.load(deploy, deploySd);
            java.util.Random random = new java.util.Random(0);   // fixed probes; the engine's generator is untouched
            ParameterStore ps = new ParameterStore(scope, false);
            double blocks = 0;
            for (Map.Entry<String, ReparameterizableBlock> e : Reparameterization.blocks(training).entrySet()) {
                double d = blockDifference(e.getValue(), scope, ps, random);
                if (!(d <= PROBE_TOLERANCE)) {
                    throw new IllegalStateException("the merged convolution of block '" + e.getKey() + "' of "
                            + training.config() + " differs from its branches by " + d + " of max |y| on a probe "
                            + "input (tolerance " + PROBE_TOLERANCE + ")");
                }
                blocks = Math.max(blocks, d);
            }
            int side = Math.max(PROBE_SIZE, training.minInputSize());
            NDArray x = scope.create(uniform(random, 3 * side * side, 0, training.inputRange()),
                    new Shape(1, 3, side, side));
            NDArray y = training.forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray z = deploy.forward(ps, new NDList(x), false).singletonOrThrow();
            double whole = relativeDifference(y, z);
            if (!Double.isFinite(whole)) {
                throw new IllegalStateException("the training or deploy form of " + deployConfig + " gives a "
                        + "non-finite output on a probe input");
            }
            return new DeployConversion(deployConfig, deploySd, training.parameterCount(), deploy.parameterCount(),
                    blocks, whole);
        }
    }

    /** {@code max |branches(x) - merged(x)| / max |branches(x)|} on a random probe of the block's input. */
    static double blockDifference(ReparameterizableBlock block, NDManager scope, ParameterStore ps,
            java.util.Random random) {
        if (!(block instanceof Block b)) {
            throw new IllegalStateException(block.getClass().getName() + " is a ReparameterizableBlock but not a "
                    + "Block");
        }
        ConvKernel k = block.mergedKernel();
        NDArray x = scope.create(uniform(random, k.inChannels() * BLOCK_PROBE_SIZE * BLOCK_PROBE_SIZE, -1, 1),
                new Shape(1, k.inChannels(), BLOCK_PROBE_SIZE, BLOCK_PROBE_SIZE));
        NDArray y = b.forward(ps, new NDList(x), false).singletonOrThrow();
        NDArray w = scope.create(k.weightValues(), new Shape(k.weightShape()));
        NDArray bias = scope.create(k.biasValues(), new Shape(k.outChannels()));
        Shape one = new Shape(1, 1);
        NDArray z = Conv2d.conv2d(x, w, bias, one, new Shape(k.kernelHeight() / 2, k.kernelWidth() / 2), one, 1)
                .singletonOrThrow();
        return relativeDifference(y, z);
    }

    private static double relativeDifference(NDArray y, NDArray z) {
        double scale = Math.max(y.abs().max().getFloat(), Float.MIN_NORMAL);
        return y.sub(z).abs().max().getFloat() / scale;
    }

    private static float[] uniform(java.util.Random random, int n, float low, float high) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + random.nextFloat() * (high - low);
        }
        return v;
    }

    /**
     * The network as the official code's evaluation mode runs it, which is what the efficiency challenges count and
     * time: a training-form network that evaluates merged ({@link ReparameterizableConfig#evaluatesMerged()}, SPAN)
     * becomes its deploy form with the merged weights; any other network (LIPT's training form, which evaluates
     * every branch; a deploy form; a network without branches) is returned as it is.
     *
     * @param network an initialised network
     * @param manager where a deploy-form network's parameters go
     * @return {@code network}, or its initialised deploy form
     */
    public static SrBackbone inferenceForm(SrBackbone network, NDManager manager) {
        if (network.config() instanceof ReparameterizableConfig rc && !rc.evaluatesMerged()) {
            return network;
        }
        return deployedForm(network, manager);
    }

    /**
     * The network as its deploy weights run it: a reparameterisable network in its training form becomes its deploy
     * form with the merged weights (whatever its official evaluation mode does); any other network is returned as
     * it is.
     *
     * @param network an initialised network
     * @param manager where a deploy-form network's parameters go
     * @return {@code network}, or its initialised deploy form
     */
    public static SrBackbone deployedForm(SrBackbone network, NDManager manager) {
        if (!(network.config() instanceof ReparameterizableConfig rc) || rc.isDeployForm()) {
            return network;
        }
        DeployConversion conversion = of(network);
        SrBackbone deploy = conversion.config().build();
        deploy.initialize(manager);
        WeightLoader.load(deploy, conversion.stateDict());
        return deploy;
    }
}
