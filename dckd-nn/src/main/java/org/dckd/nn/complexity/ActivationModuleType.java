package org.dckd.nn.complexity;

/**
 * The activation modules whose outputs the NTIRE 2022 FLOPs counter ({@code utils/model_summary.py},
 * {@code get_model_flops}) counts, one FLOP per output element. The counter hooks {@code nn.Module}s, so an activation
 * the official code applies functionally ({@code F.leaky_relu}, {@code torch.sigmoid}) is not counted, and neither are
 * modules outside this list ({@code nn.SiLU}, {@code nn.GELU}, {@code nn.Sigmoid}).
 */
public enum ActivationModuleType {

    /** {@code nn.ReLU}. */
    RELU("ReLU"),
    /** {@code nn.PReLU}. */
    PRELU("PReLU"),
    /** {@code nn.ELU}. */
    ELU("ELU"),
    /** {@code nn.LeakyReLU}. */
    LEAKY_RELU("LeakyReLU"),
    /** {@code nn.ReLU6}. */
    RELU6("ReLU6");

    private final String torchName;

    ActivationModuleType(String torchName) {
        this.torchName = torchName;
    }

    /** The PyTorch class name, the key of {@code flops_by_module_type} ({@code LeakyReLU}). */
    public String torchName() {
        return torchName;
    }
}
