import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.encoders.RandomEncoderConfig;
import org.dckd.losses.encoders.SharedEncoders;
import org.dckd.nn.complexity.ComplexityCounter;

/**
 * The convolution multiply-accumulates of one Logits-KD step and one DCKD step of the bench config
 * ({@code configs/cpu/cbsd68_rlfn_x4_dckd.yaml}: batch 8, LR 32, x4; student RLFN 24 ch x 2 blocks, teacher RLFN x4;
 * DCR with 5 negatives and the random 5-level encoder at HR 128), counted with the library's NTIRE counter. A
 * backward pass costs about twice its forward for the trained student (input and weight gradients) and about once for
 * the frozen encoder on the anchor (input gradient only). It is the lower bound of DCKD / Logits KD at equal
 * throughput per MAC (docs/performance.md).
 *
 * <pre>
 * ./dckd --help    # builds the jars
 * java -Dai.djl.offline=true -cp "dckd-examples/target/lib/*" tools/bench/DckdStepMacs.java
 * </pre>
 */
public final class DckdStepMacs {

    private DckdStepMacs() {}

    /** Prints the per-image MACs of each network and the two steps' totals. */
    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone student = RlfnConfig.builder().setScale(4).optFeatureChannels(24).optBlocks(2)
                    .optEsaChannels(16).optInputRange(1).build().build();
            student.initialize(m);
            SrBackbone teacher = Backbones.preset("rlfn", 4).build();
            teacher.initialize(m);
            FeatureEncoder encoder = SharedEncoders.get(RandomEncoderConfig.defaults(), m);
            long s = ComplexityCounter.countForward(student, m, new Shape(1, 3, 32, 32)).convMacs();
            long t = ComplexityCounter.countForward(teacher, m, new Shape(1, 3, 32, 32)).convMacs();
            long e = ComplexityCounter.countForward(encoder, m, new Shape(1, 3, 128, 128)).convMacs();
            int batch = 8;
            int negatives = 5;
            double logits = batch * (3.0 * s + t);                        // student fwd + bwd (2x), teacher fwd
            double history = negatives * batch * (double) s;              // the history model on 5 x 8 inputs
            double encoderForward = (2 + negatives) * batch * (double) e; // anchor, positive, negatives
            double encoderBackward = batch * (double) e;                  // the anchor's input gradient
            double dckd = logits + history + encoderForward + encoderBackward;
            System.out.printf("per image (MACs): student %,d  teacher %,d  encoder at 128x128 %,d%n", s, t, e);
            System.out.printf("Logits KD step: %.2f GMAC; DCKD step: %.2f GMAC (history %.2f, encoder forward %.2f, "
                    + "backward %.2f); DCKD / Logits KD = %.2f%n", logits / 1e9, dckd / 1e9, history / 1e9,
                    encoderForward / 1e9, encoderBackward / 1e9, dckd / logits);
        }
    }
}
