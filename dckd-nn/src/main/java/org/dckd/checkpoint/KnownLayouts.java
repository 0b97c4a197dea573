package org.dckd.checkpoint;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Key layouts of the checkpoints this project knows, used only to make mismatch errors helpful ("the checkpoint looks
 * like an IMDN").
 */
final class KnownLayouts {

    private static final Map<String, Pattern> LAYOUTS = new LinkedHashMap<>();

    static {
        LAYOUTS.put("RLFN (official keys conv_1, block_N, conv_2, upsampler.0)", Pattern.compile(
                "^(conv_1|conv_2|upsampler\\.0)\\.(weight|bias)$"
                        + "|^block_\\d+\\.(c[1-3]_r|c5|esa\\.(conv1|conv_f|conv2|conv3|conv4))\\.(weight|bias)$"));
        LAYOUTS.put("RLFN with the NTIRE 2022 team04 keys (fea_conv, B1..B4, LR_conv, upsampler.0)", Pattern.compile(
                "^(fea_conv|LR_conv|upsampler\\.0)\\.(weight|bias)$"
                        + "|^B\\d+\\.(c[1-3]_r|c5|esa\\.(conv1|conv_f|conv2|conv3|conv4))\\.(weight|bias)$"));
        LAYOUTS.put("IMDN (official keys fea_conv, IMDB1..IMDB6, c.0, LR_conv, upsampler.0)", Pattern.compile(
                "^(fea_conv|LR_conv|upsampler\\.0|c\\.0)\\.(weight|bias)$"
                        + "|^IMDB\\d+\\.(c[1-5]|cca\\.conv_du\\.[02])\\.(weight|bias)$"));
        LAYOUTS.put("IMDN NTIRE 2022 baseline (KAIR sequential keys model.0, model.1.sub.N, model.2)",
                Pattern.compile("^model\\.\\d+(\\.sub\\.\\d+)?(\\.(conv[1-4]|conv1x1)(\\.0)?)?\\.(weight|bias)$"));
        LAYOUTS.put("SwinIR (conv_first, patch_embed, layers.N.residual_group, conv_after_body, ...)",
                Pattern.compile("^(conv_first|patch_embed|layers|norm|conv_after_body|conv_before_upsample|upsample"
                        + "|conv_last|conv_up1|conv_up2|conv_hr)\\..*"));
        LAYOUTS.put("RCAN in BasicSR's layout (conv_first, body.N.residual_group.M.rcab, body.N.conv, "
                + "conv_after_body, upsample, conv_last)", Pattern.compile(
                "^(conv_first|conv_after_body|conv_last|upsample\\.\\d+)\\.(weight|bias)$"
                        + "|^body\\.\\d+\\.(conv|residual_group\\.\\d+\\.rcab\\.([02]|3\\.attention\\.[13]))"
                        + "\\.(weight|bias)$"));
        LAYOUTS.put("the original RCAN release (EDSR-PyTorch keys sub_mean, head.0, body.N.body.M.body, tail; convert "
                + "it with org.dckd.backbones.rcan.RcanOriginalCheckpoints)", Pattern.compile(
                "^(sub_mean|add_mean|head\\.0|tail\\.1|tail\\.0\\.\\d+|body\\.\\d+|body\\.\\d+\\.body\\.\\d+)"
                        + "\\.(weight|bias)$"
                        + "|^body\\.\\d+\\.body\\.\\d+\\.body\\.([02]|3\\.conv_du\\.[02])\\.(weight|bias)$"));
        String liptShared = "^(sub_mean|add_mean|head\\.0|tail\\.0)\\.(weight|bias)$";
        String liptHrm = "|^body\\.\\d+\\.modules_hrm_[abc]\\.lcs_[abc]_\\d+\\.conv[01]\\.";
        String liptNvsm = "|^body\\.\\d+\\.modules_nvsm_sa\\.smmsa_\\d+\\.";
        String liptProjectBn = liptNvsm + "(project_inp\\.[01]\\.\\w+|project_out\\.(weight|bias))$";
        LAYOUTS.put("the output of LIPT's convert.py (DBBs as dbb_reparam, project_inp still conv + BatchNorm; turn it "
                + "into the deploy layout with org.dckd.backbones.lipt.LiptCheckpoints.deployFromConverted)",
                Pattern.compile(liptShared + liptHrm + "dbb_reparam\\.(weight|bias)$" + liptProjectBn));
        LAYOUTS.put("LIPT's training form (DiverseBranchBlocks dbb_*; a lipt config with deploy: false)",
                Pattern.compile(liptShared + liptHrm + "dbb_(origin|avg|1x1|1x1_kxk|sobelx|sobely)\\..*"
                        + liptProjectBn));
        LAYOUTS.put("LIPT's deploy form (deploy=True: plain conv0/conv1 and project_inp; a lipt config with deploy: "
                + "true)", Pattern.compile(liptShared + liptHrm + "(weight|bias)$" + liptNvsm
                + "project_(inp|out)\\.(weight|bias)$"));
        LAYOUTS.put("VQGAN (encoder, quant_conv, quantize: DCKD's feature extractor)",
                Pattern.compile("^(encoder|decoder|quant_conv|post_quant_conv|quantize)\\..*"));
    }

    private KnownLayouts() {}

    /** The known layout at least 90% of the keys follow, or {@code null}. */
    static String recognise(Collection<String> keys) {
        if (keys.isEmpty()) {
            return null;
        }
        String best = null;
        double bestScore = 0.9;
        for (Map.Entry<String, Pattern> e : LAYOUTS.entrySet()) {
            long hits = keys.stream().filter(k -> e.getValue().matcher(k).matches()).count();
            double score = (double) hits / keys.size();
            if (score >= bestScore) {
                best = e.getKey();
                bestScore = score;
            }
        }
        return best;
    }
}
