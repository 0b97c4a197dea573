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
}
