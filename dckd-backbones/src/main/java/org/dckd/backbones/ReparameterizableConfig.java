package org.dckd.backbones;

/**
 * The config of a network that has two forms computing the same function: a training form whose reparameterisable
 * blocks ({@link org.dckd.nn.reparam.ReparameterizableBlock}) train with several branches, and a deploy form with one
 * convolution per such block. The weights of the training form become those of the deploy form with
 * {@link DeployConversion}.
 */
public interface ReparameterizableConfig extends BackboneConfig {

    /**
     * The same network in its training form (this config if it is one).
     *
     * @return the training-form config
     */
    ReparameterizableConfig trainingForm();

    /**
     * The same network in its deploy form (this config if it is one).
     *
     * @return the deploy-form config
     */
    ReparameterizableConfig deployForm();

    /** Whether this config builds the deploy form. */
    boolean isDeployForm();

    /**
     * Whether the official code's evaluation mode runs the training form through the merged convolutions (SPAN's
     * {@code Conv3XC} calls only its {@code eval_conv} in {@code eval()}: true) or through every branch (LIPT's
     * {@code DiverseBranchBlock} with {@code deploy=False}: false). The efficiency counts of a training-form network
     * follow it ({@link DeployConversion#inferenceForm}), as the challenges' counter, which runs the network in
     * {@code eval()}, does.
     *
     * @return true if the training form is evaluated merged
     */
    boolean evaluatesMerged();
}
