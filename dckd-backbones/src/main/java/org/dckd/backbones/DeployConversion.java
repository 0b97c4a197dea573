package org.dckd.backbones;

import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.reparam.Reparameterization;

/**
 * The deploy-form weights of a trained training-form network, checked: the merged state dict
 * ({@link Reparameterization#deployStateDict}) is loaded strictly into a deploy-form network built from the same
 * config, and both networks are run on one random probe input; their outputs must agree within
 * {@value #PROBE_TOLERANCE} of {@code max |y|} (float32 merges agree to about 5e-7; a wrong merge differs by far more).
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
 * @param probeDifference the largest {@code |y_train - y_deploy| / max |y_train|} on the probe input
 */
public record DeployConversion(ReparameterizableConfig config, StateDict stateDict, long trainingParameters,
        long deployParameters, double probeDifference) {

    /** The largest relative output difference on the probe input that is accepted. */
    public static final double PROBE_TOLERANCE = 1e-4;

    private static final int PROBE_SIZE = 24;

    /**
     * Merges the branches of an initialised training-form network and checks the result.
     *
     * @param training the initialised training-form network; its config must be a {@link ReparameterizableConfig}
     * @return the deploy state dict and the check's figures
     * @throws IllegalArgumentException if the network has no deploy form or is already in it
     * @throws IllegalStateException if the deploy form does not reproduce the training form (a bug)
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
            int side = Math.max(PROBE_SIZE, training.minInputSize());
            java.util.Random random = new java.util.Random(0);   // a fixed probe; the engine's generator is untouched
            float[] probe = new float[3 * side * side];
            for (int i = 0; i < probe.length; i++) {
                probe[i] = random.nextFloat() * training.inputRange();
            }
            NDArray x = scope.create(probe, new Shape(1, 3, side, side));
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray y = training.forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray z = deploy.forward(ps, new NDList(x), false).singletonOrThrow();
            double scale = Math.max(y.abs().max().getFloat(), Float.MIN_NORMAL);
            double diff = y.sub(z).abs().max().getFloat() / scale;
            if (!(diff <= PROBE_TOLERANCE)) {
                throw new IllegalStateException("the deploy form of " + deployConfig + " differs from its training "
                        + "form by " + diff + " of max |y| on a probe input (tolerance " + PROBE_TOLERANCE + ")");
            }
            return new DeployConversion(deployConfig, deploySd, training.parameterCount(), deploy.parameterCount(),
                    diff);
        }
    }

    /**
     * The network as it runs for inference: a reparameterisable network in its training form becomes its deploy form
     * with the merged weights (as the official code's eval mode runs only the merged convolutions, and as the
     * efficiency challenges count and time it); any other network is returned as it is.
     *
     * @param network an initialised network
     * @param manager where a deploy-form network's parameters go
     * @return {@code network}, or its initialised deploy form
     */
    public static SrBackbone inferenceForm(SrBackbone network, NDManager manager) {
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
