package org.dckd.backbones.lipt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.IntermediateScope;

/**
 * LIPT's block {@code LIPTB} with {@code shared_depth = n_share}: for {@code i = 0 .. n_share},
 * <pre>
 * x = hrm_a_i(x) + x;  x = hrm_c_i(x) + x;  y, atn = nvsm_i(x, atn if i &gt; 0);  x = y + x;  x = hrm_b_i(x) + x
 * </pre>
 * Module 0 computes the attention, the others reuse it. Keys: {@code modules_hrm_a.lcs_a_i.*},
 * {@code modules_hrm_c.lcs_c_i.*}, {@code modules_nvsm_sa.smmsa_i.*}, {@code modules_hrm_b.lcs_b_i.*}.
 */
final class LiptBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<Hrm> hrmA;
    private final List<Hrm> hrmC;
    private final List<NvsmAttention> attention;
    private final List<Hrm> hrmB;

    LiptBlock(LiptConfig config, boolean shifted) {
        super(VERSION);
        int c = config.channels();
        int depth = 1 + config.nShare();
        List<Hrm> a = new ArrayList<>();
        List<Hrm> cc = new ArrayList<>();
        List<NvsmAttention> s = new ArrayList<>();
        List<Hrm> b = new ArrayList<>();
        int[] windows = config.windowSizes().stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < depth; i++) {
            a.add(addChildBlock("modules_hrm_a.lcs_a_" + i, new Hrm(c, config.rExpand(), config.deploy())));
        }
        for (int i = 0; i < depth; i++) {
            cc.add(addChildBlock("modules_hrm_c.lcs_c_" + i, new Hrm(c, config.rExpand(), config.deploy())));
        }
        for (int i = 0; i < depth; i++) {
            s.add(addChildBlock("modules_nvsm_sa.smmsa_" + i,
                    new NvsmAttention(c, shifted, windows, i == 0, config.deploy())));
        }
        for (int i = 0; i < depth; i++) {
            b.add(addChildBlock("modules_hrm_b.lcs_b_" + i, new Hrm(c, config.rExpand(), config.deploy())));
        }
        hrmA = Collections.unmodifiableList(a);
        hrmC = Collections.unmodifiableList(cc);
        attention = Collections.unmodifiableList(s);
        hrmB = Collections.unmodifiableList(b);
    }

    /**
     * Runs the block; with {@code taps} non-null, records the golden intermediates under {@code prefix}
     * ({@code modules_hrm_a.lcs_a_0.conv0}, {@code modules_hrm_a.lcs_a_0}, {@code modules_nvsm_sa.smmsa_i.y}, ...).
     */
    NDArray apply(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps, String prefix) {
        // in evaluation without golden taps, each module's temporaries are released as soon as it is done (DJL keeps
        // an array until its manager closes): a LIPT-Tiny training form on a 180x320 input peaked at 13.6 GB before
        boolean release = !training && taps == null;
        List<NDArray> atn = null;
        for (int i = 0; i < hrmA.size(); i++) {
            if (taps != null && i == 0) {
                DiverseBranchBlock first = hrmA.get(0).firstBranchBlock();
                if (first != null) {
                    taps.put(prefix + "modules_hrm_a.lcs_a_0.conv0", first.apply(ps, x, training));
                }
            }
            Hrm a = hrmA.get(i);
            NDArray ya = released(x, release, in -> a.apply(ps, in, training));
            if (taps != null) {
                taps.put(prefix + "modules_hrm_a.lcs_a_" + i, ya);
            }
            x = ya.add(x);
            Hrm c = hrmC.get(i);
            x = released(x, release, in -> c.apply(ps, in, training)).add(x);
            NvsmAttention.Result r = attend(attention.get(i), ps, x, atn, training, taps,
                    prefix + "modules_nvsm_sa.smmsa_" + i + ".", release);
            if (taps != null) {
                taps.put(prefix + "modules_nvsm_sa.smmsa_" + i + ".y", r.y());
            }
            atn = r.attention();
            x = r.y().add(x);
            Hrm b = hrmB.get(i);
            x = released(x, release, in -> b.apply(ps, in, training)).add(x);
        }
        return x;
    }

    /** {@code module(x)}; with {@code release}, in an {@link IntermediateScope} (only its result is kept). */
    private static NDArray released(NDArray x, boolean release, java.util.function.UnaryOperator<NDArray> module) {
        return release ? IntermediateScope.apply(x, module) : module.apply(x);
    }

    /** The attention module, released as {@link #released} is, keeping its output and attention maps. */
    private static NvsmAttention.Result attend(NvsmAttention module, ParameterStore ps, NDArray x, List<NDArray> atn,
            boolean training, Map<String, NDArray> taps, String prefix, boolean release) {
        if (!release) {
            return module.apply(ps, x, atn, training, taps, prefix);
        }
        return IntermediateScope.apply(x, in -> module.apply(ps, in, atn, training, taps, prefix), r -> {
            List<NDArray> keep = new ArrayList<>(r.attention());
            keep.add(r.y());
            return keep;
        });
    }

    long runningStatisticsCount() {
        long n = 0;
        for (int i = 0; i < hrmA.size(); i++) {
            n += hrmA.get(i).runningStatisticsCount() + hrmC.get(i).runningStatisticsCount()
                    + attention.get(i).runningStatisticsCount() + hrmB.get(i).runningStatisticsCount();
        }
        return n;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training, null, ""));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < hrmA.size(); i++) {
            hrmA.get(i).initialize(manager, dataType, inputShapes);
            hrmC.get(i).initialize(manager, dataType, inputShapes);
            attention.get(i).initialize(manager, dataType, inputShapes);
            hrmB.get(i).initialize(manager, dataType, inputShapes);
        }
    }
}
