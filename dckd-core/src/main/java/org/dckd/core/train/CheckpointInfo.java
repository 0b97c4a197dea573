package org.dckd.core.train;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.nn.ComputeEnvironment;

/**
 * The metadata of a checkpoint, its {@code training_state.json}: where the run stood when it was written. Keys a
 * checkpoint of an older version lacks take their empty values (no best score, no training time, no validation);
 * keys this version does not know are ignored.
 *
 * @param iteration the iteration the checkpoint was written at
 * @param dataPosition the training data's position, as its source reports it (an index, or epoch, index and the
 *     training set's fingerprint), or {@code null}
 * @param bestPsnr the best validation PSNR so far (first set), or {@code null} before any validation
 * @param bestIteration where it was reached
 * @param config the resolved experiment config, or {@code null} (a run outside an experiment)
 * @param environment the compute environment that wrote it, or {@code null}
 * @param trainingSeconds the training time of the run up to here, all its segments
 * @param lastValidation the last validation rows
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"iteration", "data_position", "best_psnr", "best_iteration", "config", "environment",
    "training_seconds", "last_validation"})
public record CheckpointInfo(
        @JsonProperty("iteration") long iteration,
        @JsonProperty("data_position") JsonNode dataPosition,
        @JsonProperty("best_psnr") @JsonInclude(JsonInclude.Include.ALWAYS) Double bestPsnr,
        @JsonProperty("best_iteration") long bestIteration,
        @JsonProperty("config") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode config,
        @JsonProperty("environment") ComputeEnvironment environment,
        @JsonProperty("training_seconds") double trainingSeconds,
        @JsonProperty("last_validation") List<MetricsLog.ValidationRow> lastValidation) {

    /** Copies the rows. */
    public CheckpointInfo {
        lastValidation = lastValidation == null ? List.of() : List.copyOf(lastValidation);
    }

    /**
     * Reads the metadata, with the values of keys an older checkpoint lacks: iteration -1, best iteration 0, no
     * training time, no validation rows.
     *
     * @param iteration the iteration
     * @param dataPosition the data position
     * @param bestPsnr the best PSNR
     * @param bestIteration its iteration
     * @param config the config
     * @param environment the compute environment
     * @param trainingSeconds the training time
     * @param lastValidation the last validation rows
     * @return the metadata
     */
    @JsonCreator
    public static CheckpointInfo read(@JsonProperty("iteration") Long iteration,
            @JsonProperty("data_position") JsonNode dataPosition, @JsonProperty("best_psnr") Double bestPsnr,
            @JsonProperty("best_iteration") Long bestIteration, @JsonProperty("config") JsonNode config,
            @JsonProperty("environment") ComputeEnvironment environment,
            @JsonProperty("training_seconds") Double trainingSeconds,
            @JsonProperty("last_validation") List<MetricsLog.ValidationRow> lastValidation) {
        return new CheckpointInfo(iteration == null ? -1 : iteration, dataPosition, bestPsnr,
                bestIteration == null ? 0 : bestIteration, config, environment,
                trainingSeconds == null ? 0 : trainingSeconds, lastValidation);
    }
}
